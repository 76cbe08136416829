package io.dcp.core.pipeline;

import io.dcp.core.mapping.MappingResult;
import io.dcp.core.model.DeadLetter;
import io.dcp.core.model.Message;
import io.dcp.core.model.Stage;
import io.dcp.core.port.SinkException;
import io.dcp.core.routing.Destinations;
import java.lang.System.Logger.Level;
import java.time.Clock;

/**
 * Maps a message for its table with schema evolution: when the mapper reports fields with no
 * column, the columns are added through the destination first and the message mapped again. Never
 * throws: a mapper bug or a refused change is a {@code map} dead letter, a change to try later is
 * {@code null}.
 */
final class EvolvingMapping {
  private static final System.Logger LOG = System.getLogger(EvolvingMapping.class.getName());

  private EvolvingMapping() {}

  /**
   * Maps {@code message} for its table, adding the columns its new fields need first when the
   * schema evolves; null when that change must be tried again later.
   */
  static MappingResult map(Destinations.Destination destination, Message message, Clock clock) {
    try {
      try {
        return destination.mapEvolving(message, clock);
      } catch (SinkException e) {
        LOG.log(Level.WARNING, "adding columns to {0} failed for now: {1}", destination, e);
        return null;
      }
    } catch (RuntimeException e) {
      // Mappers promise not to throw; if one does, the message is kept, not lost.
      return new MappingResult.Rejected(
          new DeadLetter(
              message,
              Stage.MAP,
              "",
              "unexpected mapping failure: " + e,
              IngestPipeline.stackTrace(e),
              clock.instant()));
    }
  }
}
