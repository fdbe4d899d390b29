package io.graphagent.agent.session;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The id of an agent's current session, kept in its work directory so that an agent process
 * restarted within its lease resumes the session instead of being declared DEAD. One file per
 * agent id ({@code session-ID.id}), so agents sharing a work directory do not mix them up.
 * Problems reading or writing it are logged and otherwise ignored: without it the agent only
 * starts a new session. Thread-safe (writes are atomic renames).
 */
public final class SessionIdFile {

    private static final Logger log = LoggerFactory.getLogger(SessionIdFile.class);
    private static final Pattern SESSION_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");

    private final Path file;

    public SessionIdFile(Path workDir, String agentId) {
        this.file = workDir.resolve("session-" + agentId + ".id");
    }

    /** The saved session id, or empty. */
    public String read() {
        try {
            if (!Files.isRegularFile(file)) {
                return "";
            }
            String id = Files.readString(file, StandardCharsets.UTF_8).trim();
            return SESSION_ID.matcher(id).matches() ? id : "";
        } catch (IOException e) {
            log.warn("event=session_file_unreadable file={} detail=\"{}\"", file, e.getMessage());
            return "";
        }
    }

    /** Saves {@code sessionId}, replacing the previous one. */
    public void write(String sessionId) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path temp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(temp, sessionId + "\n", StandardCharsets.UTF_8);
            try {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            log.warn("event=session_file_unwritable file={} detail=\"{}: a restart will start a new session\"", file,
                    e.getMessage());
        }
    }

    /** Forgets the session (after a Goodbye it is over). */
    public void delete() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("event=session_file_undeletable file={} detail=\"{}\"", file, e.getMessage());
        }
    }
}
