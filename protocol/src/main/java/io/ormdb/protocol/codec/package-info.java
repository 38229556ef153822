/**
 * The binary codec: Kryo registrations with stable ids, pooled encoders, and the framed wire format
 * with a decoder that refuses bad input with a typed {@link
 * io.ormdb.protocol.codec.FrameException}.
 */
package io.ormdb.protocol.codec;
