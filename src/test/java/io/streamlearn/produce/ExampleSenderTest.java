package io.streamlearn.produce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamlearn.codec.Codecs;
import io.streamlearn.codec.Event;
import io.streamlearn.codec.HeaderNames;
import io.streamlearn.codec.LabeledExample;
import io.streamlearn.config.ConfigLoader;
import io.streamlearn.config.Format;
import io.streamlearn.config.StreamlearnConfig;
import io.streamlearn.kafka.Topics;
import java.io.BufferedReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * The sending loop on a mock producer, with the tutorial's configuration: what goes where, and
 * what the configuration's rules refuse before anything is sent (README's tutorial models; its
 * default model is 'blobs', two features, one sigmoid output).
 */
class ExampleSenderTest {
    private static final StreamlearnConfig TUTORIAL = ConfigLoader.load(Path.of("examples/tutorial.yaml"), Map.of());

    /** One producer per run (a run closes its producer); what they all sent, in order. */
    private final List<MockProducer<byte[], byte[]>> producers = new ArrayList<>();
    private final AtomicBoolean opened = new AtomicBoolean();
    private final Supplier<Producer<byte[], byte[]>> open = () -> {
        opened.set(true);
        producers.add(new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer()));
        return producers.get(producers.size() - 1);
    };

    private List<ProducerRecord<byte[], byte[]>> history() {
        return producers.stream().flatMap(p -> p.history().stream()).toList();
    }
    private final List<String> awaitedFor = new ArrayList<>();

    private ExampleSender sender(ExampleSource source, String modelFlag, double holdout, boolean check) {
        return new ExampleSender(Topics.of(TUTORIAL), new ConfigCheck(TUTORIAL, source, modelFlag != null, check),
                new HoldoutDraw(holdout, source.size(), 42), new RateLimit(0), RecordIds.forThisRun(), modelFlag);
    }

    private Sent send(ExampleSource source, String modelFlag, double holdout, boolean check) throws Exception {
        return sender(source, modelFlag, holdout, check).send(source, Long.MAX_VALUE, open, null, n -> { },
                model -> awaitedFor.add(model + " after " + history().size() + " records"));
    }

    private static ExampleSource csv(String text, String label, String key) throws Exception {
        return new CsvExamples(new BufferedReader(new StringReader(text)), label, key, null);
    }

    private List<LabeledExample> examples() {
        return history().stream().filter(r -> r.topic().equals("examples"))
                .map(r -> Codecs.examples(Format.JSON, 1000).decode(r.value())).toList();
    }

    @Test
    void anUndeclaredModelIsRefusedBeforeAnythingIsSentSayingWhatToChoose() {
        ProduceRefused e = assertThrows(ProduceRefused.class,
                () -> send(new GeneratedExamples("blobs", 42, 2, 2, null), "nosuch", 0, true));
        assertTrue(e.getMessage().startsWith("model 'nosuch' is not declared (declared: [or, or-relu, or-sigmoid, or-learned,"),
                e.getMessage());
        assertTrue(e.getMessage().contains("choose one of them with --model"), e.getMessage());
        assertFalse(opened.get(), "refused before connecting: no broker needed to be told");
    }

    @Test
    void aKeyColumnThatLeavesTooFewFeaturesIsRefusedNamingTheColumns() {
        ProduceRefused e = assertThrows(ProduceRefused.class,
                () -> send(csv("x1,x2,y\n0.5,1.5,1\n", "y", "x1"), "blobs", 0, true));
        assertEquals("line 2: model 'blobs' takes 2 features, got 1: the features are the columns [x2] (every column but the"
                + " label, key and id columns): choose --label-column, --key-column and --id-column so that 2 remain,"
                + " or a --model that takes 1", e.getMessage());
        assertFalse(opened.get());
    }

    @Test
    void labelsAndDimensionsOfAGeneratorAreCheckedAgainstTheModel() {
        ProduceRefused classes = assertThrows(ProduceRefused.class,
                () -> send(new GeneratedExamples("gaussian", 42, 2, 3, 50L), "blobs", 0, true));
        assertTrue(classes.getMessage().contains("is not valid for model 'blobs' (expected 0 or 1)")
                && classes.getMessage().contains("--classes 3 makes labels 0 to 2"), classes.getMessage());
        ProduceRefused dims = assertThrows(ProduceRefused.class,
                () -> send(new GeneratedExamples("hyperplane", 42, 4, 2, 50L), null, 0, true));
        assertTrue(dims.getMessage().startsWith("row 1: model 'blobs' takes 2 features, got 4: use --dims 2, or a --model that takes 4"),
                dims.getMessage());
    }

    @Test
    void aRowRefusedMidwayStopsTheRunAndSaysWhatWasSentBeforeIt() {
        ProduceRefused e = assertThrows(ProduceRefused.class,
                () -> send(csv("a,b,y\n1,2,1\n3,4,0\n5,6,7\n7,8,1\n", null, null), "blobs", 0, true));
        assertTrue(e.getMessage().startsWith("line 4: label 7.0 is not valid for model 'blobs'"), e.getMessage());
        assertTrue(e.getMessage().contains("(the 2 records before it were sent;"), e.getMessage());
        assertEquals(2, examples().size());
    }

    @Test
    void aValueThatIsNotAFiniteNumberIsRefused() {
        ProduceRefused e = assertThrows(ProduceRefused.class, () -> send(csv("a,b,y\nNaN,2,1\n", null, null), "blobs", 0, true));
        assertEquals("line 2: features[0] is NaN, not a finite number: mend or drop the row", e.getMessage());
    }

    @Test
    void theModelFieldOfAJsonLineIsCheckedWhereNoFlagOverridesIt() {
        ExampleSource lines = new JsonLinesExamples(new BufferedReader(new StringReader(
                "{\"model\": \"xor-single\", \"features\": [1, 1], \"label\": 0}\n{\"model\": \"xr\", \"features\": [0, 1], \"label\": 1}\n")));
        ProduceRefused e = assertThrows(ProduceRefused.class, () -> send(lines, null, 0, true));
        assertTrue(e.getMessage().startsWith("model 'xr' is not declared") && e.getMessage().contains("(line 2): name a declared model"),
                e.getMessage());
    }

    @Test
    void withoutTheCheckRefusedRowsAreSentForTheDeadLetters() throws Exception {
        Sent sent = send(new GeneratedExamples("blobs", 42, 2, 2, 3L), "nosuch", 0, false);
        assertEquals(3, sent.examples());
        assertTrue(examples().stream().allMatch(e -> e.model().equals("nosuch")));
    }

    @Test
    void aHoldoutSendsItsShareToEventsWithTheTrueLabelAfterTheExamplesAndTheWait() throws Exception {
        Sent sent = send(new GeneratedExamples("blobs", 42, 2, 2, null), "blobs", 0.25, true);
        assertEquals(150, sent.examples());
        assertEquals(50, sent.events());
        List<ProducerRecord<byte[], byte[]>> history = history();
        assertEquals(List.of("blobs after 150 records"), awaitedFor, "the events wait for the learner once, after the examples");
        for (ProducerRecord<byte[], byte[]> r : history.subList(150, 200)) {
            assertEquals("events", r.topic());
            Event e = Codecs.events(Format.JSON, 1000).decode(r.value());
            assertEquals("blobs", e.model());
            String label = new String(r.headers().lastHeader(HeaderNames.TRUE_LABEL).value(), StandardCharsets.UTF_8);
            assertTrue(label.equals("0") || label.equals("1"), label);
        }
    }

    @Test
    void idsAreNewEveryRunAndKeyTheirRecords() throws Exception {
        Set<String> ids = new HashSet<>();
        for (int run = 0; run < 2; run++) {
            send(new GeneratedExamples("or", 42, 2, 2, null), "or", 0, true);
        }
        List<LabeledExample> sent = examples();
        assertEquals(8, sent.size());
        sent.forEach(e -> ids.add(e.id()));
        assertEquals(8, ids.size(), "no id of the second run repeats one of the first: " + ids);
        assertTrue(sent.get(0).id().matches("p-[0-9a-f]{8}-0"), sent.get(0).id());
        assertNotEquals(sent.get(0).id(), sent.get(4).id());
        assertEquals(sent.get(0).id(), new String(history().get(0).key(), StandardCharsets.UTF_8));
    }

    @Test
    void aRateStampsRecordIFromAWholeSecond() {
        RateLimit rate = new RateLimit(20);
        rate.start();
        long base = rate.timestamp(0);
        assertEquals(0, base % 1000);
        assertEquals(base + 50, rate.timestamp(1));
        assertEquals(base + 1000, rate.timestamp(20));
        RateLimit none = new RateLimit(0);
        none.start();
        assertEquals(null, none.timestamp(5), "without a rate the producer stamps records");
    }
}
