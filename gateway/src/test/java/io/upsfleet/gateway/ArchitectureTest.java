package io.upsfleet.gateway;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Keeps the module arrows of ARCHITECTURE.md true: api ← gateway → cluster → persistence. */
class ArchitectureTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.upsfleet");
  }

  @Test
  void clusterKnowsNoTransportNorWebNorApi() {
    noClasses()
        .that()
        .resideInAPackage("io.upsfleet.cluster..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.netty..",
            "org.apache.pekko.http..",
            "com.vaadin..",
            "io.upsfleet.gateway..",
            "io.upsfleet.api..")
        .check(classes);
  }

  /**
   * The cluster's feature packages form a directed graph (plan at the bottom, then operation,
   * device, licensing and rollouts): a cycle would make every change to one of them a change to
   * all.
   */
  @Test
  void clusterPackagesAreFreeOfCycles() {
    slices().matching("io.upsfleet.cluster.(*)..").should().beFreeOfCycles().check(classes);
  }

  @Test
  void persistenceKnowsNothingOfDevicesOrActors() {
    noClasses()
        .that()
        .resideInAPackage("io.upsfleet.persistence..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.upsfleet.cluster..",
            "io.upsfleet.gateway..",
            "io.upsfleet.api..",
            "org.apache.pekko..",
            "io.netty..")
        .check(classes);
  }

  @Test
  void apiIsFreeOfFrameworks() {
    noClasses()
        .that()
        .resideInAPackage("io.upsfleet.api..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.upsfleet.cluster..",
            "io.upsfleet.gateway..",
            "io.upsfleet.persistence..",
            "org.apache.pekko..",
            "io.netty..",
            "scala..",
            "com.typesafe..")
        .check(classes);
  }

  @Test
  void httpAndMqttEdgesDoNotReachIntoEachOther() {
    noClasses()
        .that()
        .resideInAPackage("io.upsfleet.gateway.http..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.netty..")
        .check(classes);
    noClasses()
        .that()
        .resideInAPackage("io.upsfleet.gateway.mqtt..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.upsfleet.gateway.http..")
        .check(classes);
  }

  /** The seams: handlers and routes see small interfaces; only the adapters see the cluster. */
  @Test
  void edgesReachTheClusterOnlyThroughTheirAdapters() {
    noClasses()
        .that()
        .resideInAnyPackage("io.upsfleet.gateway.mqtt..", "io.upsfleet.gateway.http..")
        .and()
        .haveNameNotMatching(".*\\.Cluster\\w*(\\$.*)?")
        .should()
        .dependOnClassesThat()
        .haveFullyQualifiedName("io.upsfleet.cluster.UpsfleetCluster")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("io.upsfleet.cluster.device.UpsDevices")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("io.upsfleet.cluster.audit.AuditLog")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("io.upsfleet.cluster.command.FirmwareRollouts")
        .check(classes);
  }

  @Test
  void entitiesAreReachedOnlyThroughTheirFacade() {
    noClasses()
        .that()
        .resideOutsideOfPackage("io.upsfleet.cluster..")
        .should()
        .dependOnClassesThat()
        .haveFullyQualifiedName("org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey")
        .check(classes);
  }
}
