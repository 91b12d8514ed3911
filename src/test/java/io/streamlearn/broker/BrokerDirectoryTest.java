package io.streamlearn.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Temporary broker directories left by a killed JVM are found and removed; nothing else is. */
class BrokerDirectoryTest {
    private static final String PREFIX = "streamlearn-kafka-";

    /** The pid of a process that has exited: a JVM killed before it could clean up. */
    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(), "-version")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        p.waitFor();
        return p.pid();
    }

    @Test
    void aTemporaryDirectoryNamesItsOwner(@TempDir Path root) throws Exception {
        BrokerDirectory d = BrokerDirectory.createTemporary(root, PREFIX);
        assertTrue(d.path().getFileName().toString().startsWith(PREFIX));
        assertEquals(Long.toString(ProcessHandle.current().pid()),
                Files.readString(d.path().resolve(BrokerDirectory.OWNER_FILE)));
    }

    @Test
    void removesOnlyDirectoriesWhoseOwnerIsGone(@TempDir Path root) throws Exception {
        Path orphan = BrokerDirectory.createTemporary(root, PREFIX).path();
        Files.writeString(orphan.resolve(BrokerDirectory.OWNER_FILE), Long.toString(deadPid()));
        Files.createDirectories(orphan.resolve("examples-0"));
        Files.writeString(orphan.resolve("examples-0").resolve("00000000000000000000.log"), "data");
        Path mine = BrokerDirectory.createTemporary(root, PREFIX).path();
        BrokerDirectory kept = BrokerDirectory.createTemporary(root, PREFIX);
        kept.unmark();
        Path unmarked = Files.createDirectory(root.resolve(PREFIX + "by-hand"));
        Path otherName = Files.createDirectory(root.resolve("something-else"));
        Files.writeString(otherName.resolve(BrokerDirectory.OWNER_FILE), Long.toString(deadPid()));

        assertEquals(1, BrokerDirectory.sweepOrphans(root, PREFIX));

        assertFalse(Files.exists(orphan), "the dead JVM's directory is gone");
        assertTrue(Files.isDirectory(mine), "a live owner's directory stays");
        assertTrue(Files.isDirectory(kept.path()), "a kept directory stays");
        assertTrue(Files.isDirectory(unmarked), "a directory without a mark stays");
        assertTrue(Files.isDirectory(otherName), "other names are not looked at");
    }
}
