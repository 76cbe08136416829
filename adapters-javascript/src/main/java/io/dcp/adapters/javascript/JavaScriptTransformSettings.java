package io.dcp.adapters.javascript;

import static java.util.Objects.requireNonNull;

/**
 * Settings of a {@link GraalJsMessageTransform}, the {@code transform.javascript} section: a UDF
 * with the Dataflow template's signature.
 *
 * @param path the script: a local file or {@code gs://BUCKET/PATH.js}
 * @param functionName the function called with each message's JSON
 * @param budget what one message's call may spend
 */
public record JavaScriptTransformSettings(String path, String functionName, ScriptBudget budget) {
  public JavaScriptTransformSettings {
    requireNonNull(path, "path");
    requireNonNull(functionName, "functionName");
    requireNonNull(budget, "budget");
  }
}
