package io.streamlearn.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Heap in use (after a GC) and the process's resident set size. */
final class Memory {
    private Memory() {
    }

    static long heapMb() {
        System.gc();
        Runtime r = Runtime.getRuntime();
        return (r.totalMemory() - r.freeMemory()) >> 20;
    }

    static long rssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) >> 10;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
