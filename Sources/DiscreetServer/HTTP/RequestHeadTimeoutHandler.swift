import NIOCore
import NIOHTTPTypes

/// Closes a connection whose request head is not complete within `timeout` of its first byte.
///
/// A slowloris client trickles header bytes: each byte resets an idle timer, never this one. The
/// clock starts at the first byte of each request head (seen by `HeadByteObserver`, which this
/// handler places at the front of the pipeline, before the HTTP decoder) and stops when the decoder
/// delivers the head. A keep-alive connection waiting quietly for its next request is left to the
/// idle timeout.
final class RequestHeadTimeoutHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let clock: HeadClock

    init(timeout: TimeAmount) { self.clock = HeadClock(timeout: timeout) }

    func handlerAdded(context: ChannelHandlerContext) {
        try? context.pipeline.syncOperations.addHandler(HeadByteObserver(clock: clock), position: .first)
    }

    func handlerRemoved(context: ChannelHandlerContext) { clock.stop() }

    func channelInactive(context: ChannelHandlerContext) {
        clock.stop()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data) { clock.headArrived() }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { clock.responseEnded() }
        context.write(data, promise: promise)
    }
}

/// Sees raw bytes before the HTTP decoder and starts the head clock on the first of a request.
final class HeadByteObserver: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let clock: HeadClock

    init(clock: HeadClock) { self.clock = clock }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        clock.bytesArrived(channel: context.channel, eventLoop: context.eventLoop)
        context.fireChannelRead(data)
    }
}

/// The state both handlers share; touched only on the channel's event loop.
///
/// One timer per connection at a time, not one per request: a head's start is noted, and the timer
/// (set when none is pending) closes the connection if the head it finds in progress is overdue,
/// or sets itself again for the head's own deadline. Keep-alive requests that each finish their
/// head in time never create or cancel a timer of their own.
final class HeadClock {
    let timeout: TimeAmount
    private var waitingForHead = true
    /// When the current head's first byte arrived; nil between heads.
    private var headStartedAt: NIODeadline?
    private var pending: Scheduled<Void>?

    init(timeout: TimeAmount) { self.timeout = timeout }

    func bytesArrived(channel: any Channel, eventLoop: any EventLoop) {
        guard waitingForHead, headStartedAt == nil else { return }
        let now = NIODeadline.now()
        headStartedAt = now
        if pending == nil { schedule(at: now + timeout, channel: channel, eventLoop: eventLoop) }
    }

    private func schedule(at deadline: NIODeadline, channel: any Channel, eventLoop: any EventLoop) {
        let clock = NIOLoopBound(self, eventLoop: eventLoop)
        pending = eventLoop.scheduleTask(deadline: deadline) { clock.value.fire(channel: channel, eventLoop: eventLoop) }
    }

    private func fire(channel: any Channel, eventLoop: any EventLoop) {
        pending = nil
        guard waitingForHead, let started = headStartedAt else { return }
        let deadline = started + timeout
        if deadline <= NIODeadline.now() {
            channel.close(promise: nil)
        } else {
            schedule(at: deadline, channel: channel, eventLoop: eventLoop)
        }
    }

    func headArrived() {
        waitingForHead = false
        headStartedAt = nil
    }

    func responseEnded() { waitingForHead = true }

    func stop() {
        pending?.cancel()
        pending = nil
    }
}
