import NIOCore
import NIOPosix
import Synchronization

/// A raw TCP connection for tests that must misbehave below HTTP: partial heads, floods of
/// headers, bodies that never end. Everything the server sends is collected as it arrives.
struct RawConnection {
    let channel: any Channel
    let collected: Collected

    final class Collected: Sendable {
        let bytes = Mutex<[UInt8]>([])
        let closed = Mutex(false)
    }

    final class Collector: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        let collected: Collected
        init(_ collected: Collected) { self.collected = collected }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = unwrapInboundIn(data)
            collected.bytes.withLock { $0.append(contentsOf: buffer.readableBytesView) }
        }

        func channelInactive(context: ChannelHandlerContext) {
            collected.closed.withLock { $0 = true }
            context.fireChannelInactive()
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
    }

    static func open(port: Int) async throws -> RawConnection {
        let collected = Collected()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Collector(collected)) }
            }
            .connect(host: "127.0.0.1", port: port).get()
        return RawConnection(channel: channel, collected: collected)
    }

    var isActive: Bool { channel.isActive }

    /// Writes; false once the peer has closed.
    func send(_ bytes: [UInt8]) async -> Bool {
        do {
            try await channel.writeAndFlush(ByteBuffer(bytes: bytes))
            return true
        } catch {
            return false
        }
    }

    func send(_ text: String) async -> Bool { await send(Array(text.utf8)) }

    /// What arrived, once the peer has closed, `done` holds, or `seconds` have passed.
    func receive(for seconds: Double, until done: (String) -> Bool = { _ in false }) async -> String {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline, !collected.closed.withLock({ $0 }), !done(received) {
            try? await Task.sleep(for: .milliseconds(20))
        }
        return String(decoding: collected.bytes.withLock { $0 }, as: UTF8.self)
    }

    /// What arrived so far.
    var received: String { String(decoding: collected.bytes.withLock { $0 }, as: UTF8.self) }

    func close() async { try? await channel.close() }
}
