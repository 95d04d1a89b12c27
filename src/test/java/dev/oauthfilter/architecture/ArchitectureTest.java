package dev.oauthfilter.architecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * Dependencies point one way: the root package is the public API; implementation packages depend on it; glue (CDI,
 * health, metrics, propagation) depends only on the API and the registry. The one edge from the API into the
 * implementation is the public factory, {@code TokenCache}, reaching {@code dev.oauthfilter.cache}.
 */
@AnalyzeClasses(packages = "dev.oauthfilter", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    private static final String[] IMPLEMENTATION = {"dev.oauthfilter.cache..", "dev.oauthfilter.endpoint..",
        "dev.oauthfilter.config..", "dev.oauthfilter.cdi..", "dev.oauthfilter.jaxrs..", "dev.oauthfilter.health..",
        "dev.oauthfilter.metrics.."};

    @ArchTest
    static final ArchRule implementationPackagesAreFreeOfCycles = slices()
            .matching("dev.oauthfilter.(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule theApiUsesNoImplementationButThroughTheFactory = noClasses()
            .that().resideInAPackage("dev.oauthfilter")
            .and().doNotHaveFullyQualifiedName("dev.oauthfilter.TokenCache")
            .should().dependOnClassesThat().resideInAnyPackage(IMPLEMENTATION)
            .because("the root package is the public API; only the factory reaches the implementation");

    @ArchTest
    static final ArchRule theFactoryReachesOnlyTheTokenSources = classes()
            .that().haveFullyQualifiedName("dev.oauthfilter.TokenCache")
            .should().onlyDependOnClassesThat().resideOutsideOfPackages("dev.oauthfilter.endpoint..",
                    "dev.oauthfilter.config..", "dev.oauthfilter.cdi..", "dev.oauthfilter.jaxrs..",
                    "dev.oauthfilter.health..", "dev.oauthfilter.metrics..");

    @ArchTest
    static final ArchRule glueDependsOnlyOnTheApiAndTheRegistry = noClasses()
            .that().resideInAnyPackage("dev.oauthfilter.cdi..", "dev.oauthfilter.health..",
                    "dev.oauthfilter.metrics..", "dev.oauthfilter.jaxrs..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.oauthfilter.cache..",
                    "dev.oauthfilter.endpoint..")
            .because("glue sees tokens through the API (TokenProvider, TokenStatus, TokenEvents) and the registry");

    @ArchTest
    static final ArchRule metricsAndPropagationNeedNoRegistry = noClasses()
            .that().resideInAnyPackage("dev.oauthfilter.metrics..", "dev.oauthfilter.jaxrs..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.oauthfilter.config..", "dev.oauthfilter.cdi..",
                    "dev.oauthfilter.health..");

    @ArchTest
    static final ArchRule theTokenSourcesKnowNothingOfTheGlue = noClasses()
            .that().resideInAnyPackage("dev.oauthfilter.cache..", "dev.oauthfilter.endpoint..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.oauthfilter.config..", "dev.oauthfilter.cdi..",
                    "dev.oauthfilter.jaxrs..", "dev.oauthfilter.health..", "dev.oauthfilter.metrics..");
}
