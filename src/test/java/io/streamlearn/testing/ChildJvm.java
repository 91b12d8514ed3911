package io.streamlearn.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How tests start a program of their own (a learner, a broker, the jar, a browser): with this
 * JVM's java and this JVM's temporary directory. Under Maven that is {@code target/tmp}
 * (pom.xml), so what a child leaves behind when a test kills it stays in {@code target/} instead
 * of piling up in /tmp, where every killed JVM used to leave a 15 MB copy of RocksDB's library.
 */
public final class ChildJvm {
    private ChildJvm() {
    }

    /** {@code java -Djava.io.tmpdir=<ours> jvmOptions...}: the start of a child JVM's command line. */
    public static List<String> java(String... jvmOptions) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + tmpdir()));
        cmd.addAll(List.of(jvmOptions));
        return cmd;
    }

    /** The same for a program that is not a JVM (Chromium, kcat, Python): they read TMPDIR. */
    public static ProcessBuilder withTmpdir(ProcessBuilder pb) {
        pb.environment().put("TMPDIR", tmpdir());
        return pb;
    }

    private static String tmpdir() {
        return Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().toString();
    }
}
