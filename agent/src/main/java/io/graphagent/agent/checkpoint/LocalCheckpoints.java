package io.graphagent.agent.checkpoint;

import io.graphagent.config.FileTree;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checkpoints an agent keeps in its own work directory ({@code job.checkpoint-storage:
 * peer-copy}): {@code ROOT/JOB/step-N/part-P.ckpt}, both the files it wrote and the copies it
 * keeps for peers, under {@code agent.work-dir/checkpoints/AGENT-ID} (the id, so that agents
 * sharing a work directory never touch each other's files). Thread-safe: paths only; each
 * file is written atomically by whoever writes it.
 */
public final class LocalCheckpoints {
    private static final Logger log = LoggerFactory.getLogger(LocalCheckpoints.class);
    /** Job ids become directory names: nothing that could climb out of the root. */
    private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final String STEP = "step-";
    /**
     * The "superstep" that names a job's structure directory ({@code JOB/structure}) in copies
     * and fetches, so that structure files travel as checkpoint files do. No checkpoint of it
     * is ever deleted as older: the directory goes with the job.
     */
    public static final int STRUCTURE = Integer.MAX_VALUE;
    private static final String STRUCTURE_DIR = "structure";

    private final Path root;

    public LocalCheckpoints(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** {@code workDir/checkpoints/agentId}. */
    public static LocalCheckpoints under(Path workDir, String agentId) {
        return new LocalCheckpoints(workDir.resolve("checkpoints").resolve(agentId.isEmpty() ? "agent" : agentId));
    }

    public Path root() {
        return root;
    }

    /** The directory of checkpoint {@code superstep} of {@code job}; the job id is checked. */
    public Path dir(String job, int superstep) {
        return jobDir(job).resolve(superstep == STRUCTURE ? STRUCTURE_DIR : STEP + superstep);
    }

    /** The relative directory the coordinator sends for a job's structure files: {@code JOB/structure}. */
    public static String relativeStructure(String job) {
        return job + "/" + STRUCTURE_DIR;
    }

    /** The relative directory the coordinator sends for a checkpoint: {@code JOB/step-N}. */
    public static String relative(String job, int superstep) {
        return job + "/" + STEP + superstep;
    }

    /**
     * Resolves a directory the coordinator sent ({@code JOB/step-N} or {@code JOB/structure})
     * under the root.
     *
     * @throws IllegalArgumentException when it is not of that form
     */
    public Path resolve(String relative) {
        Path p = root.resolve(relative).normalize();
        if (!p.startsWith(root) || p.getNameCount() != root.getNameCount() + 2
                || !JOB_ID.matcher(p.getParent().getFileName().toString()).matches()
                || (superstepOf(p).isEmpty() && !p.getFileName().toString().equals(STRUCTURE_DIR))) {
            throw new IllegalArgumentException("checkpoint directory '" + relative + "' is not JOB/step-N or JOB/structure");
        }
        return p;
    }

    /**
     * Deletes the checkpoints of {@code job} older than {@code before} except {@code keep}
     * (negative: none kept). Failures are logged: a file left behind costs disk, not a result.
     */
    public void deleteOlder(String job, int before, int keep) {
        Path dir = jobDir(job);
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> steps = Files.newDirectoryStream(dir)) {
            for (Path step : steps) {
                OptionalInt s = superstepOf(step);
                if (s.isPresent() && s.getAsInt() < before && s.getAsInt() != keep) {
                    deleteTree(step);
                }
            }
        } catch (IOException e) {
            log.warn("event=checkpoint_cleanup_failed dir={} detail=\"{}\"", dir, e.getMessage());
        }
    }

    /** Deletes every checkpoint of {@code job} but {@code keep}. */
    public void deleteAllBut(String job, int keep) {
        deleteOlder(job, Integer.MAX_VALUE, keep);
    }

    /** Deletes every checkpoint of {@code job} (it ended, or starts afresh). */
    public void deleteJob(String job) {
        deleteTree(jobDir(job));
    }

    private Path jobDir(String job) {
        if (!JOB_ID.matcher(job).matches()) {
            throw new IllegalArgumentException("job id '" + job + "' cannot name a checkpoint directory");
        }
        return root.resolve(job);
    }

    private static OptionalInt superstepOf(Path step) {
        String name = step.getFileName().toString();
        if (!name.startsWith(STEP)) {
            return OptionalInt.empty();
        }
        try {
            int s = Integer.parseInt(name.substring(STEP.length()));
            return s >= 0 ? OptionalInt.of(s) : OptionalInt.empty();
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    private static void deleteTree(Path dir) {
        try {
            FileTree.delete(dir);
        } catch (IOException e) {
            log.warn("event=checkpoint_cleanup_failed dir={} detail=\"{}\"", dir, e.getMessage());
        }
    }
}
