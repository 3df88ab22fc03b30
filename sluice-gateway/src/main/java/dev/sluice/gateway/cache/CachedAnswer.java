package dev.sluice.gateway.cache;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A complete answer as the client received it: one frame (a whole JSON body) or the stream's frames
 * in order, each the exact bytes written. Serialized with a version byte; reading refuses anything
 * larger than a bound or malformed.
 */
public record CachedAnswer(String contentType, List<byte[]> frames, long storedAt, long expiresAt) {

    private static final int VERSION = 1;

    public CachedAnswer {
        frames = List.copyOf(frames);
    }

    public long sizeBytes() {
        long n = 64L + contentType.length();
        for (byte[] f : frames) {
            n += f.length + 16;
        }
        return n;
    }

    public byte[] toBytes() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE, sizeBytes()));
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(VERSION);
            out.writeUTF(contentType);
            out.writeLong(storedAt);
            out.writeLong(expiresAt);
            out.writeInt(frames.size());
            for (byte[] f : frames) {
                out.writeInt(f.length);
                out.write(f);
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory failed", e);
        }
    }

    /** Reads a serialized answer; IOException when it is corrupt or larger than {@code maxBytes}. */
    public static CachedAnswer fromBytes(byte[] data, long maxBytes) throws IOException {
        if (data.length > maxBytes) {
            throw new IOException("cached answer of " + data.length + " bytes exceeds " + maxBytes);
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
        if (in.readByte() != VERSION) {
            throw new IOException("unknown cached answer version");
        }
        String type = in.readUTF();
        long stored = in.readLong();
        long expires = in.readLong();
        int count = in.readInt();
        if (count < 0 || count > data.length) {
            throw new IOException("corrupt cached answer (frame count " + count + ")");
        }
        List<byte[]> frames = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int len = in.readInt();
            if (len < 0 || len > in.available()) {
                throw new IOException("corrupt cached answer (frame length " + len + ")");
            }
            frames.add(in.readNBytes(len));
        }
        return new CachedAnswer(type, frames, stored, expires);
    }
}
