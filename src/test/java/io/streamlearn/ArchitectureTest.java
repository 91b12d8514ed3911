package io.streamlearn;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The map of the code, enforced: which package may use which (README, "How the code is laid
 * out"). Each package's {@code package-info.java} says the same in words. A new package fails
 * {@link #everyPackageIsOnTheMap} until it is given its row here.
 */
@AnalyzeClasses(packages = "io.streamlearn", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    private static final String ROOT = "io.streamlearn.";

    /** Each package and the packages it may use, bottom (pure math) to top (the command line). */
    static final Map<String, Set<String>> MAY_USE = new LinkedHashMap<>();

    static {
        allow("model");
        allow("eval", "model");
        allow("data");
        allow("lifecycle");
        allow("avro");
        allow("config", "model");
        allow("learn", "config", "eval", "model");
        allow("codec", "avro", "config", "model");
        allow("kafka", "avro", "codec", "config");
        allow("broker", "lifecycle");
        allow("snapshot", "avro", "codec", "config", "eval", "kafka", "learn", "model");
        allow("catalogue", "avro", "codec", "config", "kafka", "snapshot");
        allow("topology", "avro", "codec", "config", "eval", "kafka", "learn", "model", "snapshot");
        allow("metrics", "codec", "config", "eval", "learn", "model", "topology");
        allow("inspect", "avro", "codec", "config", "snapshot", "topology");
        allow("http", "avro", "catalogue", "codec", "config", "eval", "metrics", "model", "snapshot", "topology");
        allow("plot", "data", "model");
        allow("produce", "codec", "config", "data", "kafka", "model");
        allow("evaluate", "config", "data", "eval", "learn", "model");
        allow("app", "avro", "catalogue", "codec", "config", "http", "kafka", "learn", "lifecycle", "metrics", "snapshot", "topology");
        allow("retrain", "app", "avro", "codec", "config", "eval", "kafka", "learn", "model", "snapshot", "topology");
        allow("demo", "app", "avro", "codec", "config", "data", "http", "kafka", "lifecycle", "metrics", "model",
                "snapshot", "topology");
        allow("bench", "app", "avro", "broker", "codec", "config", "data", "eval", "kafka", "lifecycle", "model", "retrain", "snapshot",
                "topology");
        allow("cli", MAY_USE.keySet().toArray(String[]::new));
    }

    private static void allow(String pkg, String... uses) {
        MAY_USE.put(pkg, Set.of(uses));
    }

    @ArchTest
    static void everyPackageIsOnTheMap(JavaClasses classes) {
        Set<String> unmapped = new TreeSet<>();
        for (JavaClass c : classes) {
            String top = topPackage(c);
            if (top != null && !MAY_USE.containsKey(top)) {
                unmapped.add(top);
            }
        }
        assertEquals(Set.of(), unmapped, "packages without a row in MAY_USE");
    }

    @ArchTest
    static void everyPackageUsesOnlyWhatItsRowAllows(JavaClasses classes) {
        StringBuilder violations = new StringBuilder();
        for (Map.Entry<String, Set<String>> row : MAY_USE.entrySet()) {
            String[] forbidden = MAY_USE.keySet().stream()
                    .filter(p -> !p.equals(row.getKey()) && !row.getValue().contains(p))
                    .map(p -> ROOT + p + "..").toArray(String[]::new);
            if (forbidden.length == 0) {
                continue;
            }
            try {
                noClasses().that().resideInAPackage(ROOT + row.getKey() + "..")
                        .should().dependOnClassesThat().resideInAnyPackage(forbidden)
                        .because(row.getKey() + " may use only " + new TreeSet<>(row.getValue()))
                        .allowEmptyShould(true)
                        .check(classes);
            } catch (AssertionError e) {
                violations.append(e.getMessage()).append('\n');
            }
        }
        assertEquals("", violations.toString());
    }

    @ArchTest
    static final ArchRule noCycles = slices().matching("io.streamlearn.(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule theMathKnowsNothingOfKafkaOrSerialisation = noClasses()
            .that().resideInAPackage(ROOT + "model..")
            .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..", "kafka..", "org.apache.avro..",
                    "com.fasterxml..", "org.slf4j..");

    @ArchTest
    static final ArchRule learningAndEvaluationKnowNothingOfKafka = noClasses()
            .that().resideInAnyPackage(ROOT + "learn..", ROOT + "eval..", ROOT + "config..")
            .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..", "kafka..");

    /**
     * Kafka's internals packages carry no compatibility promise: code built on them may compile
     * against a new Kafka and silently behave differently (a store hook that stops being called).
     * Checked on the compiled classes, so inherited types and fully qualified names count too.
     */
    @ArchTest
    static final ArchRule noKafkaInternals = noClasses()
            .should().dependOnClassesThat().resideInAPackage("org.apache.kafka..internals..");

    private static String topPackage(JavaClass c) {
        String pkg = c.getPackageName();
        if (!pkg.startsWith(ROOT)) {
            return null;
        }
        String rest = pkg.substring(ROOT.length());
        int dot = rest.indexOf('.');
        return dot < 0 ? rest : rest.substring(0, dot);
    }
}
