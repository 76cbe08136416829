package io.dcp.beam;

import static java.util.Objects.requireNonNull;

import io.dcp.adapters.javascript.GraalJsMessageTransform;
import io.dcp.adapters.javascript.ScriptBudget;
import io.dcp.core.config.ConfigException;
import io.dcp.core.port.MessageTransform;
import java.io.Serializable;

/**
 * A JavaScript UDF as the job carries it: read once before launch (a local path or {@code gs://},
 * through Beam's file systems), its text shipped with the job, compiled on each worker.
 *
 * @param location where the script was read, named in errors; its last segment names the script in
 *     error lines ({@code udf.js:3})
 * @param text the script
 * @param functionName the function called with each message's JSON
 * @param budget what one message may spend: statements, time, allocated bytes
 */
record TransformScript(String location, String text, String functionName, ScriptBudget budget)
    implements Serializable {
  TransformScript {
    requireNonNull(location, "location");
    requireNonNull(text, "text");
    requireNonNull(functionName, "functionName");
    requireNonNull(budget, "budget");
  }

  /** Compiles the script in a fresh sandboxed engine; the caller closes it. */
  MessageTransform compile() throws ConfigException {
    return GraalJsMessageTransform.compile(location, text, functionName, budget);
  }
}
