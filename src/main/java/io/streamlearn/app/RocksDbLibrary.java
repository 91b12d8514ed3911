package io.streamlearn.app;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import org.rocksdb.RocksDB;
import org.rocksdb.util.Environment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads RocksDB's native library (under Kafka Streams' state stores) from one copy per library
 * version in {@code <java.io.tmpdir>/streamlearn-rocksdb-<user>/<crc>/}, made once and reused by
 * every later start.
 *
 * <p>Left alone, RocksDB copies its 15 MB library out of its jar into java.io.tmpdir under a new
 * random name at every JVM start and deletes it only at a normal exit: each learner that is
 * killed (SIGKILL, the OOM killer, a pod in a crash loop) leaves one more behind until /tmp is
 * full. A stable copy is written to a temporary name and renamed, so a JVM never loads a half
 * written file, and several JVMs starting at once each find a whole one.
 *
 * <p>A shared /tmp is writable by everyone, and a library found there is code this process runs:
 * the copy is used only from directories this user owns, that nobody else can write and that are
 * not symbolic links. Where that cannot be established (not Linux, an odd file system) or the user
 * chose the library themselves ({@code ROCKSDB_SHAREDLIB_DIR}, {@code java.library.path}),
 * RocksDB loads it its own way.
 */
final class RocksDbLibrary {
    private static final Logger LOG = LoggerFactory.getLogger(RocksDbLibrary.class);
    private static final Set<PosixFilePermission> OWNER_ONLY = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);
    /** The library inside the rocksdbjni jar, as RocksDB's own loader names it. */
    private static final String RESOURCE = Environment.getJniLibraryFileName("rocksdb");
    /**
     * The file name {@link RocksDB#loadLibrary(List)} loads from a directory. In rocksdbjni 10.1 it
     * asks for {@code getJniLibraryFileName("rocksdbjni")} ({@code librocksdbjnijni-linux64.so}),
     * not the name it extracts; should a later version change it, that load fails and RocksDB falls
     * back to its own way (and RocksDbLibraryIT says so).
     */
    static final String FILE_NAME = Environment.getJniLibraryFileName("rocksdbjni");

    private static boolean tried;

    private RocksDbLibrary() {
    }

    /** Loads the library from the stable copy, once per JVM; never fails (RocksDB then loads it itself). */
    static synchronized void load() {
        if (tried) {
            return;
        }
        tried = true;
        if (System.getenv("ROCKSDB_SHAREDLIB_DIR") != null || onLibraryPath()) {
            return;
        }
        try {
            Path dir = stableCopy(Path.of(System.getProperty("java.io.tmpdir")));
            if (dir != null) {
                RocksDB.loadLibrary(List.of(dir.toString()));
            }
        } catch (IOException | RuntimeException | UnsatisfiedLinkError e) {
            LOG.debug("RocksDB loads its native library its own way (a copy per start in java.io.tmpdir): {}", e.toString());
        }
    }

    /** The directory holding a whole copy of the library that only this user can have written; null if there is none to be had. */
    static Path stableCopy(Path tmp) throws IOException {
        URL url = RocksDB.class.getClassLoader().getResource(RESOURCE);
        if (url == null) {
            return null;
        }
        URLConnection c = url.openConnection();
        if (!(c instanceof JarURLConnection jar)) {
            return null;
        }
        JarEntry entry = jar.getJarEntry();
        if (entry.getCrc() < 0 || entry.getSize() < 0) {
            return null;
        }
        UserPrincipal me = Files.getOwner(Path.of("/proc/self"));
        Path root = privateDirectory(tmp.resolve("streamlearn-rocksdb-" + safe(System.getProperty("user.name"))), me);
        Path dir = root == null ? null : privateDirectory(root.resolve(Long.toHexString(entry.getCrc())), me);
        if (dir == null) {
            return null;
        }
        Path lib = dir.resolve(FILE_NAME);
        if (Files.exists(lib, LinkOption.NOFOLLOW_LINKS)) {
            PosixFileAttributes a = Files.readAttributes(lib, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (a.isRegularFile() && a.owner().equals(me) && a.size() == entry.getSize()) {
                return dir;
            }
        }
        Path part = Files.createTempFile(dir, FILE_NAME, ".part");
        try {
            try (InputStream in = url.openStream()) {
                Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.move(part, lib, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(part);
        }
        LOG.debug("RocksDB's native library copied to {}", lib);
        return dir;
    }

    /** {@code dir}, created if missing, if it is a directory (not a link) of {@code me} that no one else can write; else null. */
    private static Path privateDirectory(Path dir, UserPrincipal me) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // another JVM made it at the same moment: checked below like any existing one
            }
        }
        PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!a.isDirectory() || !a.owner().equals(me) || !a.permissions().equals(OWNER_ONLY)) {
            LOG.debug("Not using {} for RocksDB's library: not a private directory of {}", dir, me);
            return null;
        }
        return dir;
    }

    private static boolean onLibraryPath() {
        String path = System.getProperty("java.library.path", "");
        for (String d : path.split(java.io.File.pathSeparator)) {
            if (!d.isEmpty() && (Files.exists(Path.of(d, RESOURCE)) || Files.exists(Path.of(d, System.mapLibraryName("rocksdbjni"))))) {
                return true;
            }
        }
        return false;
    }

    private static String safe(String user) {
        return user == null || user.isBlank() ? "user" : user.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
