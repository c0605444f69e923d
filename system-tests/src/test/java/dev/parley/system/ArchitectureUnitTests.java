package dev.parley.system;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.VerticleBase;

/** The boundaries between Parley's processes, checked on every build. Each rule says why. */
@AnalyzeClasses(packages = "dev.parley", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureUnitTests {

  /** Processes talk through NATS and Postgres only; sharing code beyond the contract couples their deploys. */
  @ArchTest
  static final ArchRule gatewayKnowsNoOtherProcess =
      noClasses()
          .that()
          .resideInAPackage("dev.parley.gateway..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("dev.parley.worker..", "dev.parley.presence..")
          .because(
              "a gateway reaches the worker and presence nodes only through NATS and the databases");

  @ArchTest
  static final ArchRule workerKnowsNoOtherProcess =
      noClasses()
          .that()
          .resideInAPackage("dev.parley.worker..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("dev.parley.gateway..", "dev.parley.presence..")
          .because("the worker reaches other processes only through NATS and the databases");

  @ArchTest
  static final ArchRule presenceKnowsNoOtherProcess =
      noClasses()
          .that()
          .resideInAPackage("dev.parley.presence..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("dev.parley.gateway..", "dev.parley.worker..")
          .because("the presence node reaches other processes only through NATS and Redis");

  /** The contract is what everyone shares; it must not pull any process in. */
  @ArchTest
  static final ArchRule contractStandsAlone =
      noClasses()
          .that()
          .resideInAPackage("dev.parley.contract..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.parley.gateway..",
              "dev.parley.worker..",
              "dev.parley.presence..",
              "dev.parley.migrations..")
          .because("every process depends on the contract, never the reverse");

  /** JDBC blocks; on an event loop it would stall every connection of that loop. */
  @ArchTest
  static final ArchRule noJdbcInTheNodes =
      noClasses()
          .that()
          .resideInAnyPackage(
              "dev.parley.gateway..", "dev.parley.worker..", "dev.parley.presence..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("java.sql..")
          .because(
              "nodes use the non-blocking Postgres client; blocking JDBC belongs to the migrator");

  /** Vert.x 5 verticles return futures from start/stop. */
  @ArchTest
  static final ArchRule verticlesAreVertx5Style =
      classes()
          .that()
          .haveSimpleNameEndingWith("Verticle")
          .should()
          .beAssignableTo(VerticleBase.class)
          .andShould()
          .notBeAssignableTo(AbstractVerticle.class)
          .because("verticles extend VerticleBase: start() and stop() return futures");
}
