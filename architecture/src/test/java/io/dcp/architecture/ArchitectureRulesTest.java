package io.dcp.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The rules that keep the hexagon honest (DESIGN.md, "Modules"), checked on the main classes of
 * every module: a change that breaks one fails the build with the offending dependency named.
 */
@AnalyzeClasses(packages = "io.dcp", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureRulesTest {
  private static final String[] RUNNERS = {"io.dcp.runner..", "io.dcp.beam.."};

  /** Core knows no technology: the JDK, Jackson (JSON and YAML) and itself. */
  @ArchTest
  static final ArchRule coreImportsOnlyTheJdkAndJackson =
      classes()
          .that()
          .resideInAPackage("io.dcp.core..")
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage("java..", "com.fasterxml.jackson..", "io.dcp.core..")
          .because("core is the hexagon's inside: ports, model, mapping and the use case");

  /** Each adapter technology stands alone: DuckDB, NDJSON, HTTP, BigQuery, Pub/Sub, JavaScript. */
  @ArchTest
  static final ArchRule adaptersDoNotDependOnEachOther =
      slices()
          .matching("io.dcp.adapters.(*)..")
          .should()
          .notDependOnEachOther()
          .because("an adapter depends on core only; a runner combines adapters");

  /** Adapters are wired by runners, never the other way round. */
  @ArchTest
  static final ArchRule adaptersDoNotDependOnARunner =
      noClasses()
          .that()
          .resideInAPackage("io.dcp.adapters..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(RUNNERS);

  /**
   * Runners use the mapper through its entry points ({@code JsonMessageMapper}, {@code
   * MessageMapper}, {@code MappingConfig}, {@code MappingResult}, ...), never the coercion and
   * payload-reading code behind them, so a message maps the same way on every runner.
   */
  @ArchTest
  static final ArchRule runnersDoNotUseMappingInternals =
      noClasses()
          .that()
          .resideInAnyPackage(RUNNERS)
          .should()
          .dependOnClassesThat()
          .haveFullyQualifiedName("io.dcp.core.mapping.Coercion")
          .orShould()
          .dependOnClassesThat()
          .haveFullyQualifiedName("io.dcp.core.mapping.PayloadReader")
          .orShould()
          .dependOnClassesThat()
          .haveFullyQualifiedName("io.dcp.core.mapping.TimeText")
          .orShould()
          .dependOnClassesThat()
          .haveFullyQualifiedName("io.dcp.core.mapping.Utf8")
          .orShould()
          .dependOnClassesThat()
          .haveFullyQualifiedName("io.dcp.core.mapping.FieldPath")
          .orShould()
          .dependOnClassesThat()
          .haveFullyQualifiedName("io.dcp.core.mapping.Rejection");

  /**
   * Delivery (settling messages, writing rows and dead letters) is core's pipeline or Beam's IO:
   * runner classes neither settle a message nor implement a source or sink port themselves.
   */
  @ArchTest
  static final ArchRule runnersHoldNoDeliveryLogic =
      noClasses()
          .that()
          .resideInAnyPackage(RUNNERS)
          .should()
          .dependOnClassesThat()
          .haveFullyQualifiedName("io.dcp.core.port.Acknowledger")
          .orShould()
          .implement("io.dcp.core.port.RowSink")
          .orShould()
          .implement("io.dcp.core.port.DeadLetterSink")
          .orShould()
          .implement("io.dcp.core.port.MessageSource");

  /** Guice wires the standalone runner only (STYLE.md: no injection elsewhere). */
  @ArchTest
  static final ArchRule onlyTheStandaloneRunnerUsesGuice =
      noClasses()
          .that()
          .resideOutsideOfPackage("io.dcp.runner.standalone..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("com.google.inject..");
}
