package io.streamlearn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every command refuses a bad flag with one line on stderr and a non-zero exit, without touching Kafka. */
class BadFlagsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "demo --timeout 0|--timeout",
            "demo --bogus|Unknown option",
            "run --set topics.partitions=zero|topics.partitions",
            "run --processing-guarantee maybe|processingGuarantee",
            "run --config /nonexistent.yaml|does not exist",
            "broker --port 0|--port",
            "produce|Missing required argument",
            "produce --generator blobs --holdout 1.5|--holdout",
            "produce --generator blobs --rate -1|--rate",
            "produce --generator blobs --file x.csv|mutually exclusive",
            "produce --file x.jsonl --label-column y|apply to CSV",
            "produce --file - --input-format jsonl --key-column k|apply to CSV",
            "produce --generator blobs --bogus|Unknown option",
            "tail nonsense|TOPIC must be",
            "tail weights --bogus|Unknown option",
            "tail weights --max 0|--max",
            "tail weights --accuracy|--accuracy only applies",
            "retrain --batch-size zero|--batch-size",
            "retrain --epochs 0|--epochs",
            "retrain --holdout 2|--holdout",
            "retrain --offsets 0-5|--offsets takes PARTITION:OFFSET",
            "retrain --optimizer lbfgs --bootstrap-servers 127.0.0.1:1|--optimizer",
            "weights|Missing required parameter",
            "weights blobs --bogus|Unknown option",
            "weights blobs --version x|--version",
            "models --bogus|Unknown option",
            "models extra|Unmatched argument",
            "broker --bogus|Unknown option",
            "retrain --bogus|Unknown option",
            "run --bogus|Unknown option",
            "plot --dataset blobs --bogus|Unknown option",
            "bench --bogus|Unknown option",
            "plot|Missing required argument",
            "plot --dataset moons|--dataset",
            "bench --format xml|--format takes json or avro",
            "bench --runs 0|--runs",
            "bench --guarantee maybe|--guarantee",
    })
    void badFlagsGiveOneLineAndANonZeroExit(String args, String mentions) {
        Cli.Result r = Cli.run(args.split(" "));
        assertTrue(r.exit() != 0, r.toString());
        String err = r.err().strip();
        assertTrue(err.startsWith("error: "), r.toString());
        assertEquals(1, err.lines().count(), "one line:\n" + r);
        assertTrue(err.contains(mentions), "mentions '" + mentions + "':\n" + r);
    }
}
