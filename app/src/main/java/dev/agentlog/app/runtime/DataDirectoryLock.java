package dev.agentlog.app.runtime;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on a data directory for as long as a local service uses it, so that a second start on the
 * same directory fails at once with a message naming it, before the service touches any file.
 */
final class DataDirectoryLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirectoryLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * @throws LocalServiceStartException when another process or this JVM holds the lock
     */
    static DataDirectoryLock acquire(Path directory, String fileName, String serviceName) throws IOException {
        Path lockFile = directory.resolve(fileName);
        FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException alreadyHeldInThisJvm) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
            throw new LocalServiceStartException("Data directory " + directory + " is already in use by another "
                    + serviceName + " (lock file " + lockFile + "): stop it or choose another data directory");
        }
        return new DataDirectoryLock(channel, lock);
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
