package io.dcp.beam;

import java.util.function.Consumer;
import org.apache.beam.sdk.testing.TestPipeline;
import org.junit.runner.Description;
import org.junit.runners.model.Statement;

/** Runs a {@link TestPipeline} under its JUnit 4 rule from a JUnit 5 test. */
final class TestPipelines {
  private TestPipelines() {}

  /** Builds and runs a test pipeline with {@code body}, which must call {@code run()}. */
  static void run(String name, Consumer<TestPipeline> body) throws Throwable {
    TestPipeline pipeline = TestPipeline.create();
    pipeline
        .apply(
            new Statement() {
              @Override
              public void evaluate() {
                body.accept(pipeline);
              }
            },
            Description.createTestDescription(TestPipelines.class, name))
        .evaluate();
  }
}
