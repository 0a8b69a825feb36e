import DiscreetPolicy
import DiscreetStore
import Foundation
import PostgresNIO

extension PostgresStore {
    public func issueTokens(providerID: String, subjectID: String, candidates: [String: String], at: Date) async throws
        -> [String: String]
    {
        guard !candidates.isEmpty else { return [:] }
        let fields = Array(candidates.keys)
        let tokens = fields.map { candidates[$0]! }
        let issuedAt = RFC3339.format(at)
        return try await bounded { [self] () async throws -> [String: String] in
            try await transaction { tx in
                // A concurrent issuer's row wins; the select below reads whichever token stands.
                try await tx.query(
                    """
                    INSERT INTO tokens (token, provider_id, subject_id, field, issued_at)
                    SELECT t, \(providerID), \(subjectID), f, \(issuedAt) FROM unnest(\(tokens)::text[], \(fields)::text[]) AS x(t, f)
                    ON CONFLICT (provider_id, subject_id, field) DO NOTHING
                    """, logger: logger)
                var out: [String: String] = [:]
                for try await (field, token) in try await tx.query(
                    """
                    SELECT field, token FROM tokens
                    WHERE provider_id = \(providerID) AND subject_id = \(subjectID) AND field = ANY(\(fields)::text[])
                    """, logger: logger
                ).decode((String, String).self) {
                    out[field] = token
                }
                return out
            }
        }
    }

    public func token(_ token: String) async throws -> TokenRecord? {
        try await bounded { [self] () async throws -> TokenRecord? in
            let rows = try await client.query(
                """
                SELECT t.token, t.provider_id, t.subject_id, t.field, t.issued_at, r.first_index
                FROM tokens t LEFT JOIN disclosed_references r
                  ON r.reference = t.token AND r.provider_id = t.provider_id AND r.subject_id = t.subject_id AND r.field = t.field
                WHERE t.token = \(token)
                """, logger: logger)
            for try await (token, provider, subject, field, issued, first) in rows.decode(
                (String, String, String, String, String, Int64?).self)
            {
                return TokenRecord(
                    token: token, providerID: provider, subjectID: subject, field: field,
                    issuedAt: RFC3339.parse(issued) ?? .distantPast, firstIndex: first)
            }
            return nil
        }
    }

    public func disclosedReferences(_ values: [String]) async throws -> [DisclosedReference] {
        guard !values.isEmpty else { return [] }
        return try await bounded { [self] () async throws -> [DisclosedReference] in
            let rows = try await client.query(
                """
                SELECT reference, kind, provider_id, subject_id, field, first_index FROM disclosed_references
                WHERE reference = ANY(\(values)::text[])
                """, logger: logger)
            var out: [DisclosedReference] = []
            for try await (value, kind, provider, subject, field, first) in rows.decode(
                (String, String, String, String, String, Int64).self)
            {
                out.append(
                    DisclosedReference(
                        value: value, kind: ReferenceKind(rawValue: kind) ?? .token, providerID: provider, subjectID: subject,
                        field: field, firstIndex: first))
            }
            return out
        }
    }
}
