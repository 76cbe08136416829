package io.dcp.core.config;

import java.util.Locale;

/** The "did you mean" hint of an unknown key: the known key whose last part is nearest. */
final class DidYouMean {
  private DidYouMean() {}

  static String suggestion(String key, Iterable<String> candidates) {
    String leaf = key.substring(key.lastIndexOf('.') + 1);
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : candidates) {
      String candidateLeaf = candidate.substring(candidate.lastIndexOf('.') + 1);
      int d = distance(leaf.toLowerCase(Locale.ROOT), candidateLeaf.toLowerCase(Locale.ROOT));
      if (d < bestDistance) {
        bestDistance = d;
        best = candidate;
      }
    }
    return best != null && bestDistance <= Math.max(2, leaf.length() / 3)
        ? "; did you mean '" + best + "'?"
        : "";
  }

  private static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        current[j] =
            Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
