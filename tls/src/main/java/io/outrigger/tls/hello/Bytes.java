package io.outrigger.tls.hello;

import io.netty.buffer.ByteBuf;

/** Read-only random access to the bytes being inspected, from a ByteBuf or an array, never consuming them. */
abstract sealed class Bytes {
    abstract int length();

    abstract int u8(int i);

    abstract void copy(int from, byte[] dst, int dstIndex, int length);

    int u16(int i) {
        return (u8(i) << 8) | u8(i + 1);
    }

    int u24(int i) {
        return (u8(i) << 16) | (u8(i + 1) << 8) | u8(i + 2);
    }

    static final class OfByteBuf extends Bytes {
        private final ByteBuf buf;
        private final int offset;
        private final int length;

        OfByteBuf(ByteBuf buf, int offset, int length) {
            this.buf = buf;
            this.offset = offset;
            this.length = length;
        }

        @Override
        int length() {
            return length;
        }

        @Override
        int u8(int i) {
            return buf.getUnsignedByte(offset + i);
        }

        @Override
        void copy(int from, byte[] dst, int dstIndex, int n) {
            buf.getBytes(offset + from, dst, dstIndex, n);
        }
    }

    static final class OfArray extends Bytes {
        private final byte[] data;
        private final int offset;
        private final int length;

        OfArray(byte[] data, int offset, int length) {
            this.data = data;
            this.offset = offset;
            this.length = length;
        }

        @Override
        int length() {
            return length;
        }

        @Override
        int u8(int i) {
            return data[offset + i] & 0xff;
        }

        @Override
        void copy(int from, byte[] dst, int dstIndex, int n) {
            System.arraycopy(data, offset + from, dst, dstIndex, n);
        }
    }
}
