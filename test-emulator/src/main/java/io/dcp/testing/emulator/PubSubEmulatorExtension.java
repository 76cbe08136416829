package io.dcp.testing.emulator;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestInstancePostProcessor;
import org.opentest4j.TestAbortedException;

/**
 * Gives a test class Google's Pub/Sub emulator: one emulator per test run (JVM), started on first
 * use and stopped when the run ends, injected as a {@link PubSubEmulator} parameter.
 *
 * <p>Where the emulator is not installed the tests are skipped with {@link
 * PubSubEmulator#HOW_TO_INSTALL}; when {@code CI} is set they fail instead, so CI never passes by
 * skipping them.
 */
public final class PubSubEmulatorExtension implements ParameterResolver, TestInstancePostProcessor {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(PubSubEmulatorExtension.class);

  @Override
  public void postProcessTestInstance(Object testInstance, ExtensionContext context) {
    emulator(context);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == PubSubEmulator.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return emulator(context);
  }

  private static PubSubEmulator emulator(ExtensionContext context) {
    if (!PubSubEmulator.isInstalled()) {
      String ci = System.getenv("CI");
      if (ci != null && !ci.isBlank() && !ci.equalsIgnoreCase("false")) {
        throw new IllegalStateException(
            "CI must run the emulator tests. " + PubSubEmulator.HOW_TO_INSTALL);
      }
      throw new TestAbortedException(PubSubEmulator.HOW_TO_INSTALL);
    }
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .computeIfAbsent(Shared.class, key -> new Shared(PubSubEmulator.start()), Shared.class)
        .emulator();
  }

  /** Closes the shared emulator when the test run's root context closes. */
  private record Shared(PubSubEmulator emulator) implements AutoCloseable {
    @Override
    public void close() {
      emulator.close();
    }
  }
}
