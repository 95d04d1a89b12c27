package dev.oauthfilter.architecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * Dependencies point one way, for every package of the library, the API included and nothing exempted by name:
 *
 * <pre>
 * dev.oauthfilter (the API)           ← everything; depends on no other package (its one edge into the
 *                                       implementation is OAuthFilterDelegate, found with ServiceLoader)
 * internal.endpoint                   → API
 * internal.tokens                     → API, endpoint
 * internal.propagation                → API, tokens
 * internal.clients  (the owner)       → API, tokens, propagation, endpoint
 * internal.jaxrs    (filter machinery)→ API, clients
 * internal          (LibraryDelegate) → API, clients, jaxrs
 * cdi, health, metrics, telemetry    → API, clients
 *   (bindings; telemetry is exported for its one public class, OpenTelemetryBinding)
 * </pre>
 */
@AnalyzeClasses(packages = "dev.oauthfilter",
        importOptions = {ImportOption.DoNotIncludeTests.class, ArchitectureTest.NotTestFixtures.class})
class ArchitectureTest {

    /** test-fixtures/ (package {@code dev.oauthfilter.fixtures}, as classes or as a jar) is not the library. */
    static final class NotTestFixtures implements ImportOption {
        @Override
        public boolean includes(Location location) {
            return !location.contains("test-fixtures");
        }
    }

    private static final String API = "dev.oauthfilter";
    private static final String ENDPOINT = "dev.oauthfilter.internal.endpoint";
    private static final String TOKENS = "dev.oauthfilter.internal.tokens";
    private static final String PROPAGATION = "dev.oauthfilter.internal.propagation";
    private static final String CLIENTS = "dev.oauthfilter.internal.clients";
    private static final String JAXRS = "dev.oauthfilter.internal.jaxrs";
    private static final String WIRING = "dev.oauthfilter.internal";

    /** Each package and the packages of the library it may use besides itself. */
    private static final Map<String, Set<String>> MAY_USE = Map.ofEntries(
            Map.entry(API, Set.of()),
            Map.entry(ENDPOINT, Set.of(API)),
            Map.entry(TOKENS, Set.of(API, ENDPOINT)),
            Map.entry(PROPAGATION, Set.of(API, TOKENS)),
            Map.entry(CLIENTS, Set.of(API, TOKENS, PROPAGATION, ENDPOINT)),
            Map.entry(JAXRS, Set.of(API, CLIENTS)),
            Map.entry(WIRING, Set.of(API, CLIENTS, JAXRS)),
            Map.entry("dev.oauthfilter.cdi", Set.of(API, CLIENTS)),
            Map.entry("dev.oauthfilter.health", Set.of(API, CLIENTS)),
            Map.entry("dev.oauthfilter.metrics", Set.of(API, CLIENTS)),
            Map.entry("dev.oauthfilter.telemetry", Set.of(API, CLIENTS)));

    @ArchTest
    static final ArchRule theApiIsALeaf = noClasses().that().resideInAPackage(API)
            .should().dependOnClassesThat(libraryOutside(API))
            .because("the root package is the public API: users see it alone, and it reaches the implementation only"
                    + " through OAuthFilterDelegate, found with ServiceLoader");

    @ArchTest
    static final ArchRule onlyTheTelemetryBindingUsesOpenTelemetry = noClasses()
            .that().resideOutsideOfPackage("dev.oauthfilter.telemetry")
            .should().dependOnClassesThat().resideInAPackage("io.opentelemetry..")
            .because("the OpenTelemetry API is optional: its classes are loaded only by the binding, which the CDI"
                    + " extension loads by name when the API is there");

    @ArchTest
    static final ArchRule noPackageCycles = slices().assignedFrom(new EachPackageASlice()).should().beFreeOfCycles();

    @ArchTest
    static final ArchRule everyPackageUsesOnlyWhatItMay = new CompositeRule().rule();

    @ArchTest
    static final ArchRule everyClassIsInAPackageWithADirection = classes()
            .that().resideInAPackage("dev.oauthfilter..")
            .should().resideInAnyPackage(MAY_USE.keySet().toArray(String[]::new))
            .because("a package without a stated direction would escape these rules");

    /** The library's classes outside the given packages. */
    private static DescribedPredicate<JavaClass> libraryOutside(String... packages) {
        return resideInAPackage("dev.oauthfilter..").and(DescribedPredicate.not(resideInAnyPackage(packages)))
                .as("are in the library but outside " + String.join(", ", packages));
    }

    /** One rule per package of {@link #MAY_USE}, evaluated together. */
    private static final class CompositeRule {
        ArchRule rule() {
            List<ArchRule> rules = new ArrayList<>();
            MAY_USE.forEach((pkg, allowed) -> {
                List<String> own = new ArrayList<>(allowed);
                own.add(pkg);
                rules.add(noClasses().that().resideInAPackage(pkg)
                        .should().dependOnClassesThat(libraryOutside(own.toArray(String[]::new))));
            });
            return com.tngtech.archunit.lang.CompositeArchRule.of(rules);
        }
    }

    /** Every package of the library is a slice of its own, the root included. */
    private static final class EachPackageASlice implements SliceAssignment {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
            return javaClass.getPackageName().startsWith(API)
                    ? SliceIdentifier.of(javaClass.getPackageName()) : SliceIdentifier.ignore();
        }

        @Override
        public String getDescription() {
            return "each package of dev.oauthfilter";
        }
    }
}
