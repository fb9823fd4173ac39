package org.brainseg.imaging.nifti;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Gzip on all cores: the stream is cut into blocks, each compressed on the common pool as its own
 * gzip member, and the members are written in order. A multi-member gzip file is standard
 * (RFC 1952 §2.2) and read by zlib, nibabel, ITK and {@link java.util.zip.GZIPInputStream} alike.
 * The cost is a few hundred bytes per block.
 */
final class ParallelGzipOutputStream extends OutputStream {
    private static final int BLOCK = 1 << 21;

    private final OutputStream out;
    private final int level;
    private final int maxInFlight = Math.max(2, 2 * ForkJoinPool.getCommonPoolParallelism());
    private final ArrayDeque<CompletableFuture<byte[]>> pending = new ArrayDeque<>();
    private byte[] block = new byte[BLOCK];
    private int used;
    private boolean closed;

    ParallelGzipOutputStream(OutputStream out, int level) {
        this.out = out;
        this.level = level;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            int n = Math.min(len, BLOCK - used);
            System.arraycopy(b, off, block, used, n);
            used += n;
            off += n;
            len -= n;
            if (used == BLOCK) {
                submit();
            }
        }
    }

    private void submit() throws IOException {
        byte[] data = block;
        int n = used;
        block = new byte[BLOCK];
        used = 0;
        pending.add(CompletableFuture.supplyAsync(() -> compress(data, n, level)));
        while (pending.size() >= maxInFlight) {
            drainOne();
        }
    }

    private static byte[] compress(byte[] data, int n, int level) {
        ByteArrayOutputStream bos = new ByteArrayOutputStream(n / 2 + 64);
        try (GZIPOutputStream gz = new GZIPOutputStream(bos, 1 << 16) {
            {
                def.setLevel(level);
            }
        }) {
            gz.write(data, 0, n);
        } catch (IOException e) {
            throw new IllegalStateException("in-memory gzip failed", e); // cannot happen with a byte array
        }
        return bos.toByteArray();
    }

    private void drainOne() throws IOException {
        try {
            out.write(pending.removeFirst().get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while compressing");
        } catch (ExecutionException e) {
            throw new IOException("compression failed", e.getCause());
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (used > 0 || pending.isEmpty()) {
                submit();
            }
            while (!pending.isEmpty()) {
                drainOne();
            }
        } finally {
            out.close();
        }
    }
}
