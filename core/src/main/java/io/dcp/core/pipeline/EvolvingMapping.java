package io.dcp.core.pipeline;

import io.dcp.core.mapping.MappingResult;
import io.dcp.core.model.DeadLetter;
import io.dcp.core.model.Message;
import io.dcp.core.model.Stage;
import io.dcp.core.port.SinkException;
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
      MappingResult result = destination.map(message);
      if (!(result instanceof MappingResult.NewColumns added)) {
        return result;
      }
      try {
        result = destination.evolve(message, added.columns());
      } catch (SinkException e) {
        if (e.isTransient()) {
          LOG.log(Level.WARNING, "adding columns to {0} failed for now: {1}", destination, e);
          return null;
        }
        return new MappingResult.Rejected(
            DeadLetter.of(
                message,
                Stage.MAP,
                "",
                "schema.evolution could not add columns "
                    + TableSetup.names(added.columns())
                    + " to table "
                    + destination
                    + ": "
                    + e.getMessage(),
                clock.instant()));
      }
      if (result instanceof MappingResult.NewColumns still) {
        return new MappingResult.Rejected(
            DeadLetter.of(
                message,
                Stage.MAP,
                "",
                "fields "
                    + TableSetup.names(still.columns())
                    + " still have no column in table "
                    + destination
                    + " after schema.evolution added them",
                clock.instant()));
      }
      return result;
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
