package io.streamlearn.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerPort;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1Probe;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import io.kubernetes.client.openapi.models.V1Volume;
import io.kubernetes.client.openapi.models.V1VolumeMount;
import io.streamlearn.app.StreamsSettings;
import io.streamlearn.cli.Main;
import io.streamlearn.config.ConfigLoader;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.config.TopicNames;
import io.streamlearn.deploy.Manifests.Manifest;
import io.streamlearn.kafka.TopicAdmin;
import io.streamlearn.snapshot.ModelRecordSizes;
import io.streamlearn.topology.Partitioning;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.ParseResult;

/**
 * deploy/kubernetes, read without a cluster: every manifest parses into its typed model (unknown
 * fields and wrong types fail), and the manifests keep the promises the learner depends on: the
 * state directory on the persistent volume, probes on /health/*, a non-root read-only container,
 * a configuration the learner accepts, and Strimzi topics as the learner itself would create them.
 */
class DeploymentManifestsTest {

    /** Every manifest by kind (read again by each test: a few small files). */
    private static Map<String, List<Manifest>> byKind() {
        return Manifests.all().stream().collect(Collectors.groupingBy(Manifest::kind));
    }

    private static <T> T only(String kind, Class<T> type) {
        List<Manifest> all = byKind().getOrDefault(kind, List.of());
        assertEquals(1, all.size(), "one " + kind + " in " + Manifests.DIR + ", found " + all.size());
        return all.get(0).as(type);
    }

    private static StatefulSet sts() {
        return new StatefulSet(only("StatefulSet", V1StatefulSet.class));
    }

    /** The learner's configuration as the ConfigMap holds it. */
    private static StreamlearnConfig config() {
        V1ConfigMap cm = only("ConfigMap", V1ConfigMap.class);
        assertEquals(1, cm.getData().size(), "the ConfigMap holds one file, the configuration: " + cm.getData().keySet());
        return ConfigLoader.fromYaml(cm.getData().values().iterator().next(), Map.of());
    }

    @Test
    void everyManifestParsesIntoItsTypedModel() {
        Map<String, Integer> counts = new TreeMap<>();
        byKind().forEach((kind, list) -> counts.put(kind, list.size()));
        assertEquals(Map.of("ConfigMap", 1, "KafkaTopic", 9, "PodDisruptionBudget", 1, "Secret", 1, "Service", 2,
                "StatefulSet", 1), counts);
    }

    @Test
    void unknownFieldsAndWrongTypesAreRefused() throws IOException {
        Path sts = Manifests.DIR.resolve("statefulset.yaml");
        Path topics = Manifests.DIR.resolve("kafkatopics.yaml");
        assertRefused(sts, d -> container(d).put("imagePullPolicyy", "Always"), "imagePullPolicyy");
        assertRefused(sts, d -> ((ObjectNode) d.get("spec")).put("replicas", "two"), "two");
        assertRefused(sts, d -> ((ObjectNode) container(d).get("ports").get(0)).put("containerPort", "8080"), "8080");
        assertRefused(sts, d -> ((ObjectNode) container(d).get("resources").get("limits")).putArray("memory"), "limits");
        assertRefused(sts, d -> ((ObjectNode) d.get("metadata")).put("labelz", "x"), "labelz");
        assertRefused(topics, d -> ((ObjectNode) d.get("spec")).put("partitionz", 6), "partitionz");
        assertRefused(topics, d -> ((ObjectNode) d.get("spec")).put("partitions", "6"), "partitions");
        assertRefused(topics, d -> ((ObjectNode) d.get("metadata")).put("labelz", "x"), "labelz");
        assertRefused(topics, d -> ((ObjectNode) d).put("apiVersion", "kafka.strimzi.io/v1beta1"), "v1beta1");
    }

    private static ObjectNode container(JsonNode statefulSet) {
        return (ObjectNode) statefulSet.at("/spec/template/spec/containers/0");
    }

    /** The file's first document, changed, must fail to parse with a message that names the change. */
    private static void assertRefused(Path file, Consumer<JsonNode> change, String named) throws IOException {
        JsonNode doc = Manifests.YAML.readerFor(JsonNode.class).<JsonNode>readValues(Files.readString(file)).next();
        Manifests.parse(file, Manifests.YAML.writeValueAsString(doc)); // unchanged, it parses
        change.accept(doc);
        String yaml = Manifests.YAML.writeValueAsString(doc);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Manifests.parse(file, yaml));
        assertTrue(e.getMessage().contains(named), e.getMessage());
    }

    @Test
    void kustomizationAppliesEveryManifestButTheExampleSecret() throws IOException {
        Manifests.Kustomization k = Manifests.kustomization();
        assertEquals("kustomize.config.k8s.io/v1beta1", k.apiVersion());
        assertEquals("Kustomization", k.kind());
        Set<String> files = new TreeSet<>();
        Manifests.manifestFiles().forEach(f -> files.add(f.getFileName().toString()));
        Set<String> examples = files.stream().filter(f -> f.contains(".example.")).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(Set.of("kafka-credentials.example.yaml"), examples);
        files.removeAll(examples);
        assertEquals(files, new TreeSet<>(k.resources()), "kustomization.yaml lists every manifest but the examples");
    }

    @Test
    void exampleSecretHoldsPlaceholdersAndEveryKeyTheStatefulSetReads() {
        V1Secret secret = only("Secret", V1Secret.class);
        assertNotNull(secret.getStringData(), "the example uses stringData, readable placeholders");
        assertTrue(secret.getData() == null || secret.getData().isEmpty());
        secret.getStringData().forEach((key, value) -> {
            if (key.contains("password") || key.contains("secret") || key.contains("token")) {
                assertTrue(value.contains("REPLACE-ME"), key + " must be a placeholder, is " + value);
            }
        });
        List<String> refs = new ArrayList<>();
        for (V1EnvVar env : sts().container().getEnv()) {
            if (env.getValueFrom() != null && env.getValueFrom().getSecretKeyRef() != null) {
                var ref = env.getValueFrom().getSecretKeyRef();
                assertEquals(secret.getMetadata().getName(), ref.getName(), env.getName());
                assertTrue(secret.getStringData().containsKey(ref.getKey()), env.getName() + " reads key " + ref.getKey());
                refs.add(env.getName());
            }
        }
        assertFalse(refs.isEmpty(), "the StatefulSet reads the credentials");
    }

    @Test
    void configMapHoldsAConfigurationTheLearnerAccepts() {
        StreamlearnConfig config = config();
        assertEquals("1", StreamsSettings.from(config).get(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG),
                "standby replicas reach Kafka Streams");
        // Every ${env:NAME} placeholder names a variable the container sets.
        Set<String> env = sts().container().getEnv().stream().map(V1EnvVar::getName).collect(Collectors.toSet());
        Matcher m = Pattern.compile("\\$\\{env:([^}]+)}").matcher(String.join("\n", config.kafka().values()));
        int placeholders = 0;
        while (m.find()) {
            assertTrue(env.contains(m.group(1)), m.group(1) + " is not set in the StatefulSet (has " + env + ")");
            placeholders++;
        }
        assertTrue(placeholders > 0, "the credentials come from the environment, not the ConfigMap");
    }

    @Test
    void statefulSetRunsTheLearnerWithTheMountedConfigAndItsStateOnTheVolume() {
        StatefulSet s = sts();
        StreamlearnConfig config = config();
        ParseResult run = Main.newCommandLine().parseArgs(s.container().getArgs().toArray(String[]::new)).subcommand();
        assertEquals("run", run.commandSpec().name());
        // --config is the ConfigMap's one file, where the config volume is mounted
        V1VolumeMount configMount = s.mountOf(v -> v.getConfigMap() != null
                && v.getConfigMap().getName().equals(only("ConfigMap", V1ConfigMap.class).getMetadata().getName()));
        String key = only("ConfigMap", V1ConfigMap.class).getData().keySet().iterator().next();
        assertEquals(configMount.getMountPath() + "/" + key, run.matchedOptionValue("--config", null).toString());
        assertEquals(Boolean.TRUE, configMount.getReadOnly());
        // Kafka Streams' state directory is on the persistent volume claimed per pod
        assertEquals(1, s.set.getSpec().getVolumeClaimTemplates().size());
        String claim = s.set.getSpec().getVolumeClaimTemplates().get(0).getMetadata().getName();
        V1VolumeMount state = s.container().getVolumeMounts().stream().filter(v -> v.getName().equals(claim)).findFirst()
                .orElseThrow(() -> new AssertionError("the claim " + claim + " is not mounted"));
        assertNotNull(config.stateDir(), "the configuration sets stateDir");
        assertTrue(config.stateDir().startsWith(state.getMountPath() + "/"), config.stateDir() + " is not under " + state.getMountPath());
        assertTrue(s.set.getSpec().getVolumeClaimTemplates().get(0).getSpec().getResources().getRequests().containsKey("storage"));
        // the HTTP port is the container port the probes and Services name
        V1ContainerPort http = s.port("http");
        assertEquals(http.getContainerPort(), run.matchedOptionValue("--http-port", -1));
        assertEquals("0.0.0.0", run.matchedOptionValue("--http-host", "127.0.0.1"), "reachable from the kubelet and Services");
    }

    @Test
    void eachPodIsAStaticGroupMemberNamedAfterItself() {
        StatefulSet s = sts();
        List<String> args = s.container().getArgs();
        int set = args.indexOf("failover.instanceId=$(POD_NAME)");
        assertTrue(set > 0 && args.get(set - 1).equals("--set"), "the instance id is the pod's name: " + args);
        V1EnvVar pod = s.container().getEnv().stream().filter(e -> e.getName().equals("POD_NAME")).findFirst()
                .orElseThrow(() -> new AssertionError("POD_NAME is not set"));
        assertEquals("metadata.name", pod.getValueFrom().getFieldRef().getFieldPath());
        // What the kubelet passes for the first pod: its name, a legal group.instance.id.
        V1ConfigMap cm = only("ConfigMap", V1ConfigMap.class);
        StreamlearnConfig first = ConfigLoader.fromYaml(cm.getData().values().iterator().next(),
                Map.of("failover.instanceId", s.set.getMetadata().getName() + "-0"));
        assertEquals("streamlearn-0", StreamsSettings.from(first).get("main.consumer.group.instance.id"));
    }

    @Test
    void statefulSetProbesTheHealthEndpoints() {
        StatefulSet s = sts();
        assertProbe(s, s.container().getReadinessProbe(), "/health/ready");
        assertProbe(s, s.container().getLivenessProbe(), "/health/live");
        assertProbe(s, s.container().getStartupProbe(), "/health/live");
    }

    private static void assertProbe(StatefulSet s, V1Probe probe, String path) {
        assertNotNull(probe, path);
        assertNotNull(probe.getHttpGet(), path + " is an HTTP probe");
        assertEquals(path, probe.getHttpGet().getPath());
        assertEquals(s.port("http").getContainerPort(), s.resolve(probe.getHttpGet().getPort()));
    }

    @Test
    void statefulSetRunsAsTheImagesNonRootUserOnAReadOnlyRoot() {
        StatefulSet s = sts();
        V1PodSpec pod = s.pod();
        int uid = Dockerfile.read().runtimeUid();
        assertTrue(uid > 0);
        assertEquals(Boolean.TRUE, pod.getSecurityContext().getRunAsNonRoot());
        assertEquals(uid, pod.getSecurityContext().getRunAsUser(), "the Dockerfile's USER");
        assertEquals(uid, pod.getSecurityContext().getFsGroup(), "the volume is writable by that user");
        var c = s.container().getSecurityContext();
        assertEquals(Boolean.TRUE, c.getRunAsNonRoot());
        assertEquals(Boolean.TRUE, c.getReadOnlyRootFilesystem());
        assertEquals(Boolean.FALSE, c.getAllowPrivilegeEscalation());
        assertEquals(List.of("ALL"), c.getCapabilities().getDrop());
        // What the learner writes: its state (the claim) and java.io.tmpdir (RocksDB's library).
        Set<String> writable = s.container().getVolumeMounts().stream().filter(v -> !Boolean.TRUE.equals(v.getReadOnly()))
                .map(V1VolumeMount::getMountPath).collect(Collectors.toSet());
        assertTrue(writable.contains("/tmp"), "java.io.tmpdir is writable: " + writable);
        assertEquals(Boolean.FALSE, pod.getAutomountServiceAccountToken(), "the learner does not talk to the API server");
    }

    @Test
    void statefulSetRequestsAndLimitsResources() {
        var r = sts().container().getResources();
        for (String resource : List.of("cpu", "memory")) {
            Quantity request = r.getRequests().get(resource);
            Quantity limit = r.getLimits().get(resource);
            assertNotNull(request, resource + " request");
            assertNotNull(limit, resource + " limit");
            assertTrue(request.getNumber().compareTo(limit.getNumber()) <= 0, resource + ": request above limit");
        }
    }

    @Test
    void servicesAndTheDisruptionBudgetSelectTheLearnerPods() {
        StatefulSet s = sts();
        Map<String, String> podLabels = s.set.getSpec().getTemplate().getMetadata().getLabels();
        assertTrue(podLabels.entrySet().containsAll(s.set.getSpec().getSelector().getMatchLabels().entrySet()));
        Map<String, V1Service> services = new HashMap<>();
        byKind().get("Service").forEach(m -> services.put(m.name(), m.as(V1Service.class)));
        V1Service headless = services.get(s.set.getSpec().getServiceName());
        assertNotNull(headless, "the StatefulSet's serviceName names a Service: " + services.keySet());
        assertEquals("None", headless.getSpec().getClusterIP(), "the governing Service is headless");
        for (V1Service svc : services.values()) {
            assertTrue(podLabels.entrySet().containsAll(svc.getSpec().getSelector().entrySet()), svc.getMetadata().getName());
            for (V1ServicePort p : svc.getSpec().getPorts()) {
                assertEquals(s.port("http").getContainerPort(), s.resolve(p.getTargetPort()), svc.getMetadata().getName());
            }
        }
        V1PodDisruptionBudget pdb = only("PodDisruptionBudget", V1PodDisruptionBudget.class);
        assertTrue(podLabels.entrySet().containsAll(pdb.getSpec().getSelector().getMatchLabels().entrySet()));
        assertNotNull(pdb.getSpec().getMaxUnavailable());
        assertTrue(s.set.getSpec().getReplicas() > 1, "several instances share the work");
    }

    /**
     * The KafkaTopics are the topics the learner creates at start when they are missing
     * (StreamlearnApp.ensureTopics) for the ConfigMap's configuration: names, partitions,
     * replicas, configs; and max.message.bytes takes the largest declared model's records.
     */
    @Test
    void kafkaTopicsAreTheTopicsTheLearnerCreates() {
        StreamlearnConfig config = config();
        TopicNames t = config.topics();
        int p = config.partitions();
        Map<String, Integer> partitions = Map.of(t.examples(), p, t.events(), config.eventsPartitions(), t.scoredEvents(), config.eventsPartitions(),
                t.weights(), 1, t.deadLetters(), 1, t.weightsHistory(), 1, t.drift(), 1,
                t.requests(), Partitioning.declared(config).training(), t.catalogue(), 1);
        Map<String, Map<String, String>> configs = Map.of(
                t.weights(), Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                        TopicConfig.SEGMENT_MS_CONFIG, Long.toString(TopicAdmin.COMPACTED_SEGMENT_MS)),
                t.weightsHistory(), Map.of(TopicConfig.RETENTION_MS_CONFIG, Long.toString(TopicAdmin.HISTORY_RETENTION_MS)),
                t.catalogue(), Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                        TopicConfig.SEGMENT_MS_CONFIG, Long.toString(TopicAdmin.COMPACTED_SEGMENT_MS)));
        // StreamlearnApp.prepare raises these to the largest model's records: a lower value in the
        // KafkaTopic would be raised by the learner and set back by the Topic Operator.
        Set<String> carryModels = Set.of(t.weights(), t.requests(), t.weightsHistory());
        int recordLimit = ModelRecordSizes.recordLimit(config);
        // A Strimzi cluster's bootstrap Service is <cluster>-kafka-bootstrap.
        String cluster = config.bootstrapServers().split(":")[0].replaceFirst("-kafka-bootstrap$", "");

        Map<String, KafkaTopic> topics = new TreeMap<>();
        for (Manifest m : byKind().get("KafkaTopic")) {
            KafkaTopic k = m.as(KafkaTopic.class);
            String name = k.getSpec().getTopicName() != null ? k.getSpec().getTopicName() : k.getMetadata().getName();
            assertEquals(cluster, k.getMetadata().getLabels().get("strimzi.io/cluster"), name);
            topics.put(name, k);
        }
        assertEquals(new TreeSet<>(t.all()), topics.keySet());
        topics.forEach((name, k) -> {
            assertEquals(partitions.get(name), k.getSpec().getPartitions(), name + " partitions");
            assertEquals(Integer.valueOf(config.replicationFactor()), k.getSpec().getReplicas(), name + " replicas");
            Map<String, String> actual = new TreeMap<>();
            if (k.getSpec().getConfig() != null) {
                k.getSpec().getConfig().forEach((key, value) -> actual.put(key, String.valueOf(value)));
            }
            String max = actual.remove(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
            if (carryModels.contains(name)) {
                assertNotNull(max, name + " sets max.message.bytes");
                assertTrue(Integer.parseInt(max) >= recordLimit, name + ": max.message.bytes " + max + " < " + recordLimit);
            }
            assertEquals(configs.getOrDefault(name, Map.of()), actual, name + " configs");
        });
    }

    /** The StatefulSet with the lookups the tests share. */
    private record StatefulSet(V1StatefulSet set) {
        V1PodSpec pod() {
            return set.getSpec().getTemplate().getSpec();
        }

        V1Container container() {
            assertEquals(1, pod().getContainers().size(), "one container");
            return pod().getContainers().get(0);
        }

        V1ContainerPort port(String name) {
            return container().getPorts().stream().filter(p -> name.equals(p.getName())).findFirst()
                    .orElseThrow(() -> new AssertionError("no container port named " + name));
        }

        int resolve(IntOrString port) {
            return port.isInteger() ? port.getIntValue() : port(port.getStrValue()).getContainerPort();
        }

        V1VolumeMount mountOf(java.util.function.Predicate<V1Volume> volume) {
            V1Volume v = pod().getVolumes().stream().filter(volume).findFirst()
                    .orElseThrow(() -> new AssertionError("no such volume"));
            return container().getVolumeMounts().stream().filter(m -> m.getName().equals(v.getName())).findFirst()
                    .orElseThrow(() -> new AssertionError("volume " + v.getName() + " is not mounted"));
        }
    }
}
