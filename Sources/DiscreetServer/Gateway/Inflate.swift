import CompressNIO
import NIOCore

/// Inflates a gzip or deflate body (CompressNIO over zlib), allocating at most `limit` bytes: a
/// small body that would inflate to gigabytes (a zip bomb) fails as soon as it passes the bound.
enum Inflate {
    enum Failure: Error, Equatable {
        /// The inflated body would be larger than the limit.
        case tooLarge
        /// Not a complete gzip or zlib stream.
        case corrupt
    }

    enum Format {
        case gzip
        /// HTTP's `deflate` is the zlib format (RFC 9110 8.4.1.2), not raw deflate.
        case deflate

        var algorithm: CompressionAlgorithm { self == .gzip ? .gzip() : .zlib() }
    }

    static func inflate(_ input: ByteBuffer, format: Format, limit: Int) throws(Failure) -> ByteBuffer {
        // An empty stream is no stream; CompressNIO would size its first buffer from it.
        guard input.readableBytes > 0 else { throw .corrupt }
        var input = input
        do {
            return try input.decompress(with: format.algorithm, maxSize: limit)
        } catch let error as CompressNIOError where error == .bufferOverflow {
            throw .tooLarge
        } catch {
            throw .corrupt
        }
    }
}
