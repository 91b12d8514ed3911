package io.streamlearn.deploy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The top-level Dockerfile read as Docker reads it: comment lines dropped, continued lines joined,
 * one instruction per entry, each with the build stage it belongs to.
 */
record Dockerfile(List<Instruction> instructions) {
    static final Path FILE = Path.of("Dockerfile");

    /** One instruction: its keyword (upper case), its arguments as written, and its stage (0 = the first FROM). */
    record Instruction(String keyword, String args, int stage) {
        /** The arguments of the exec (JSON array) form; fails on the shell form. */
        List<String> execForm() {
            if (!args.startsWith("[")) {
                throw new AssertionError(keyword + " is not in exec form: " + args);
            }
            try {
                return new ObjectMapper().readValue(args, new TypeReference<List<String>>() {
                });
            } catch (IOException e) {
                throw new AssertionError(keyword + " is not a JSON array of strings: " + args, e);
            }
        }
    }

    static Dockerfile read() {
        try {
            return parse(Files.readString(FILE));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Dockerfile parse(String text) {
        List<Instruction> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int stage = -1;
        for (String line : text.split("\n", -1)) {
            String trimmed = line.strip();
            if (trimmed.startsWith("#")) {
                continue; // a comment, also inside a continued instruction
            }
            boolean continued = trimmed.endsWith("\\");
            current.append(continued ? trimmed.substring(0, trimmed.length() - 1) : trimmed).append(' ');
            if (continued) {
                continue;
            }
            String instruction = current.toString().strip();
            current.setLength(0);
            if (instruction.isEmpty()) {
                continue;
            }
            String[] parts = instruction.split("\\s+", 2);
            String keyword = parts[0].toUpperCase(Locale.ROOT);
            if (keyword.equals("FROM")) {
                stage++;
            }
            out.add(new Instruction(keyword, parts.length > 1 ? parts[1].strip().replaceAll("\\s+", " ") : "", stage));
        }
        return new Dockerfile(List.copyOf(out));
    }

    int lastStage() {
        return instructions.get(instructions.size() - 1).stage();
    }

    List<Instruction> all(String keyword, int stage) {
        return instructions.stream().filter(i -> i.keyword().equals(keyword) && i.stage() == stage).toList();
    }

    /** The last instruction of that keyword in the stage: the one in effect. */
    Optional<Instruction> last(String keyword, int stage) {
        List<Instruction> all = all(keyword, stage);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /** The numeric user id the final image runs as. */
    int runtimeUid() {
        String user = last("USER", lastStage()).orElseThrow(() -> new AssertionError("the final stage sets no USER")).args();
        String uid = user.split(":")[0];
        if (!uid.matches("\\d+")) {
            throw new AssertionError("USER should be numeric (uid[:gid]) so Kubernetes can check runAsNonRoot: " + user);
        }
        return Integer.parseInt(uid);
    }
}
