package dev.edp.systemtest;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * Port offsets for the system tests that start a platform of their own beside the shared
 * one (the restore and the database-outage tests). Their ports lie above the ephemeral
 * range (61000 to 65535) and away from the shared platform's offsets (20000 to 44000).
 * <p>
 * Each offset is reserved by a file lock in the temporary directory, held until this JVM
 * ends, so that two builds on one machine (two checkouts, or CI beside a developer's run)
 * never pick the same one; a free-port check alone does not do that, because a platform
 * binds its ports one by one over minutes. The candidates are chosen so that no port of
 * one lands on a port of another (no two of
 * {@link RestoreFromBackupIntegrationTests#PLATFORM_PORTS} differ by the difference of
 * two candidates).
 */
final class OwnPlatformOffsets {

    static final List<Integer> CANDIDATES = List.of(53500, 55000, 52920, 52925, 52930, 52935, 52940, 52945, 52950,
            52955, 52960, 52965);

    private static final List<FileChannel> held = new ArrayList<>();

    private OwnPlatformOffsets() {
    }

    /**
     * @param allFree whether every port of the platform is free under an offset
     * @return the first candidate not reserved by another test or build whose ports are
     * free, reserved until this JVM ends
     */
    static synchronized int reserve(IntPredicate allFree) {
        Path dir = Path.of(System.getProperty("java.io.tmpdir"));
        for (int offset : CANDIDATES) {
            FileChannel channel = null;
            try {
                channel = FileChannel.open(dir.resolve("edp-system-test-offset-" + offset + ".lock"),
                        StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = channel.tryLock();
                if (lock != null && allFree.test(offset)) {
                    held.add(channel);
                    return offset;
                }
                channel.close();
            }
            catch (OverlappingFileLockException ex) {
                // Reserved by another test class of this JVM.
                close(channel);
            }
            catch (IOException ex) {
                close(channel);
                throw new IllegalStateException("Could not reserve port offset " + offset, ex);
            }
        }
        throw new IllegalStateException("No free port offset among " + CANDIDATES
                + " for a test's own platform: other builds on this machine hold them all");
    }

    private static void close(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            }
            catch (IOException ex) {
                // nothing held
            }
        }
    }

}
