#pragma once
// A validator for the part of JSON Schema (draft 2020-12) that DAIS's own schema files use,
// with messages written for the person editing the file ("expected an integer >= 1, got -5",
// "unknown field "grups" (did you mean "groups"?)"). The schema file stays the single source of
// truth for structure: this class only interprets it. Keywords it does not implement are
// rejected when the schema is loaded, so a schema can never silently check less than it says.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "dais/core/result.h"

namespace dais::core {

/// One place where a JSON document breaks its schema (or a rule checked in code).
struct JsonIssue {
    std::string pointer;  ///< JSON pointer (RFC 6901) of the offending value; "" is the root
    std::string message;  ///< e.g. "expected an integer >= 1, got -5"
};

/// A loaded schema. Supported keywords: type, properties, required, additionalProperties,
/// minimum, maximum, exclusiveMinimum, exclusiveMaximum, minItems, maxItems, items, prefixItems,
/// enum, const, $ref (to "#/..."), $defs, oneOf, anyOf, format, and the annotations
/// description, title, $schema, $id, $comment, default, examples. Formats: "duration",
/// "bandwidth", "size" (see units.h) and "id". One DAIS extension: "x-expected" gives the noun
/// phrase used for a schema in messages ("a distribution object").
///
/// oneOf/anyOf alternatives are chosen by the value's JSON type, and among objects by a
/// discriminator: a property that every alternative pins with "const" (like "dist" or
/// "generator"). Errors are then reported against the chosen alternative only.
class JsonSchema {
  public:
    using Json = nlohmann::ordered_json;

    /// Takes a schema document; fails (listing every problem) if it uses an unsupported keyword
    /// or format, or a $ref that leads nowhere.
    static Result<JsonSchema> fromJson(Json schema);
    static Result<JsonSchema> fromText(std::string_view text);

    /// Every issue of `instance`, in document order, at most `maxIssues` of them.
    std::vector<JsonIssue> validate(const Json& instance, std::size_t maxIssues = 50) const;
    /// The issues of `instance` where it differs from a document known to be valid: only the
    /// places at or under one of the `changed` JSON pointers are checked, with what their
    /// ancestors require (required members, no unknown ones, item counts); a value governed by
    /// oneOf/anyOf is checked whole. The cost grows with what changed, not with the document.
    std::vector<JsonIssue> validateChanged(const Json& instance,
                                           const std::vector<std::string>& changed,
                                           std::size_t maxIssues = 50) const;

    /// The schema document.
    const Json& root() const { return doc_; }
    /// `schema` with any $ref followed (the same object if it has none).
    const Json& resolve(const Json& schema) const;

    /// What the schema says about member `key` of `object`, where `objectSchema` governs
    /// `object` (whose discriminator picks the oneOf alternative): the member's subschema, or,
    /// if the member is not allowed, the reason ("unknown field ..."). Used to check --set paths.
    struct Member {
        const Json* schema = nullptr;  ///< null if not allowed
        std::string problem;           ///< why not, when schema is null
    };
    Member member(const Json& objectSchema, const Json& object, std::string_view key) const;
    /// The subschema of element `index` of an array governed by `arraySchema`, or null if the
    /// schema does not describe an array.
    const Json* element(const Json& arraySchema, std::size_t index) const;

    /// Whether this validator implements `keyword`.
    static bool isSupportedKeyword(std::string_view keyword);
    /// Whether `text` is valid for `format` ("duration", "bandwidth", "size", "id").
    static bool matchesFormat(std::string_view format, std::string_view text);

  private:
    explicit JsonSchema(Json doc);
    const Json* resolveReference(std::string_view ref) const;
    /// The object-typed alternatives of a oneOf/anyOf, looking through nested ones.
    void collectObjectAlternatives(const Json& schema, std::vector<const Json*>& out,
                                   int depth) const;
    Member alternativeMember(const Json& schema, const Json& object, std::string_view key) const;
    void lint(const Json& schema, const std::string& where, std::vector<std::string>& problems,
              int depth) const;

    Json doc_;
};

}  // namespace dais::core
