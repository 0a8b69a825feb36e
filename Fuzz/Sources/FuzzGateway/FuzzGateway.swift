import DiscreetJSON
import DiscreetPolicy

/// A gateway request as bytes: the first line a path after the route id, the rest a body. Matching
/// the path never traps and never yields a parameter that could move the upstream path; taking the
/// body apart never traps, and the body rebuilt from its records holds those records and nothing else;
/// records carrying their own subjects are each grouped under the subject read beside them.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGateway(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    // Built per input: a global built on the first input reads as a leak to LeakSanitizer.
    let template = PathTemplate("/v1/accounts/{account}/claims")!
    let locations: [GatewayRoute.RecordLocation] = [
        .at(JSONPointer("")!), .at(JSONPointer("/patient")!), .at(JSONPointer("/a/b")!), .each(JSONPointer("/items")!),
    ]
    let routes = [
        GatewayRoute.SubjectSource.pointer(JSONPointer("/subject")!), .pointer(JSONPointer("/items/0/id")!),
        .pathParameter("account"), .header("X-Subject"),
    ].map {
        GatewayRoute(
            id: "f", direction: .egress, provider: "p", purpose: "q", recordType: "r", method: "POST", path: template,
            subject: $0, record: .at(JSONPointer("")!), upstream: "http://u", auth: .none, timeoutSeconds: 1)
    }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let newline = bytes.firstIndex(of: 0x0A) ?? bytes.count
    let path = String(decoding: bytes[..<newline], as: UTF8.self)
    let segments = path.split(separator: "/", omittingEmptySubsequences: false)
    let parameters = template.match(segments) ?? [:]
    for (_, value) in parameters {
        guard !value.isEmpty, value != ".", value != "..", !value.contains("/"), !value.contains("\\") else {
            fatalError("a parameter that could move the upstream path was accepted")
        }
    }
    guard newline < bytes.count, let body = try? JSONParser.parse(Array(bytes[(newline + 1)...])) else { return 0 }
    for route in routes {
        if let id = route.subjectID(body: body, parameters: parameters, header: { _ in path }) {
            guard !id.isEmpty, id.count <= 200, !id.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
            else { fatalError("a subject id outside its bounds was accepted") }
        }
    }
    // Each record's own subject: every record in exactly one group, the group of the subject
    // read beside it, so that no record is decided under another record's subject.
    for inRecord in [JSONPointer("/subject")!, JSONPointer("/who/id")!] {
        let route = GatewayRoute(
            id: "f", direction: .egress, provider: "p", purpose: "q", recordType: "r", method: "POST", path: template,
            subject: .eachRecord(inRecord), record: .each(JSONPointer("/items")!), upstream: "http://u", auth: .none,
            timeoutSeconds: 1)
        guard let parts = try? GatewayBody(body, location: route.record),
            let subjects = try? route.subjects(of: parts, body: body, parameters: parameters, header: { _ in path })
        else { continue }
        var seen = [Bool](repeating: false, count: parts.records.count)
        for group in subjects.groups {
            for position in group.positions {
                guard position < seen.count, !seen[position] else { fatalError("a record in two groups, or none") }
                seen[position] = true
                guard GatewaySubjects.usableID(inRecord.resolve(in: .object(parts.records[position]))) == group.subjectID else {
                    fatalError("a record decided under another record's subject")
                }
            }
        }
        guard seen.allSatisfy({ $0 }), Set(subjects.groups.map(\.subjectID)).count == subjects.groups.count else {
            fatalError("a record left out, or a subject in two groups")
        }
        // Put back in body order, each record is where it was.
        let back = subjects.inBodyOrder(
            subjects.groups.map { $0.positions.map { parts.records[$0] } }, count: parts.records.count)
        guard back == parts.records else { fatalError("records moved") }
        // Known by token: each record carries its own subject's token where its id was, and no id stays.
        var byToken = route
        byToken.subjectNaming = .token
        let tokens = subjects.groups.indices.map { "tok_\($0)" }
        let placed = byToken.placingSubjectTokens(in: parts.forwarded(back), subjects, tokens: tokens)
        guard let out = try? GatewayBody(placed, location: route.record), out.records.count == parts.records.count else {
            fatalError("placing tokens changed the records")
        }
        for (k, group) in subjects.groups.enumerated() {
            for position in group.positions where inRecord.resolve(in: .object(out.records[position])) != .string(tokens[k]) {
                fatalError("a record without its subject's token")
            }
        }
    }
    for location in locations {
        guard let parts = try? GatewayBody(body, location: location) else { continue }
        let forwarded = parts.forwarded(parts.records)
        guard let again = try? GatewayBody(forwarded, location: location), again.records == parts.records else {
            fatalError("the rebuilt body does not hold the same records")
        }
        // Only the containers on the way: every object above the records has one member.
        var current = forwarded
        let tokens: [String] =
            switch location {
            case .at(let p), .each(let p): p.tokens
            }
        for token in tokens {
            guard case .object(let o) = current, o.count == 1, let next = o[token] else {
                fatalError("the rebuilt body holds something besides the records")
            }
            current = next
        }
    }
    return 0
}
