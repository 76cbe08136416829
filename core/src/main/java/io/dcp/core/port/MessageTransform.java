package io.dcp.core.port;

import io.dcp.core.model.Message;

/**
 * Reshapes, filters or enriches a message before it is mapped to rows: the Dataflow template's
 * user-defined function, run by an adapter (JavaScript in {@code adapters-javascript}).
 *
 * <p>Lifecycle: an implementation is ready when constructed (a script that does not compile, or
 * lacks its function, fails construction as a config error); {@link #transform} is then called once
 * per message until {@link #close}, which releases the engine. Threading: {@link #transform} is
 * called concurrently from the pipeline's threads and must be thread-safe. Failure: it never throws
 * for anything the script does; a script that throws, returns something that is not JSON or exceeds
 * its budget yields {@link TransformResult.Failed}, and the next message is transformed as if
 * nothing happened.
 */
public interface MessageTransform extends AutoCloseable {

  /** Transforms one message; its payload is UTF-8 JSON, already decoded by the caller. */
  TransformResult transform(Message message, String payload);

  /** Releases the engine; no call to {@link #transform} follows. */
  @Override
  void close();
}
