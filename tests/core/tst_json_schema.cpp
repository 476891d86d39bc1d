// The JSON Schema validator on its own, with small inline schemas: each supported keyword, the
// wording of every message, how alternatives are chosen, document order, huge numbers, and the
// refusal of schemas that use keywords it does not implement.
#include <QtTest>

#include <string>

#include "dais/core/json_schema.h"

using namespace dais::core;
using Json = nlohmann::ordered_json;

namespace {

/// A schema exercising every keyword the scenario schema uses.
const char* const kSchema = R"({
  "type": "object",
  "additionalProperties": false,
  "required": ["name"],
  "properties": {
    "name": {"type": "string", "description": "a name"},
    "count": {"type": "integer", "minimum": 1, "maximum": 10000000},
    "seed": {"type": "integer", "minimum": 0, "maximum": 18446744073709551615},
    "ratio": {"type": "number", "minimum": 0, "maximum": 1},
    "rate": {"type": "number", "exclusiveMinimum": 0},
    "below": {"type": "number", "exclusiveMaximum": 10},
    "flag": {"type": "boolean"},
    "mode": {"enum": ["heap", "ladder"]},
    "kind": {"const": "dais"},
    "pair": {"type": "array", "minItems": 2, "maxItems": 2, "items": {"type": "number"}},
    "tags": {"type": "array", "minItems": 1, "items": {"type": "string"}},
    "tuple": {"type": "array", "prefixItems": [{"type": "string"}, {"type": "integer"}], "items": {"type": "boolean"}},
    "when": {"$ref": "#/$defs/duration"},
    "delay": {"$ref": "#/$defs/variate"},
    "id": {"type": "string", "format": "id"},
    "free": {"type": "object", "additionalProperties": true},
    "typed": {"type": "object", "additionalProperties": {"type": "integer"}},
    "either": {"anyOf": [{"type": "string"}, {"type": "integer", "minimum": 5}]},
    "nested": {
      "type": "object", "additionalProperties": false, "required": ["a"],
      "properties": {"a": {"type": "integer"}, "b": {"type": "string"}}
    }
  },
  "$defs": {
    "duration": {"type": ["string", "number"], "format": "duration", "minimum": 0, "maximum": 9000000000},
    "variate": {"anyOf": [{"$ref": "#/$defs/duration"}, {"$ref": "#/$defs/dist"}]},
    "dist": {
      "x-expected": "a distribution object",
      "oneOf": [
        {"type": "object", "required": ["dist", "value"], "additionalProperties": false,
         "properties": {"dist": {"const": "constant"}, "value": {"$ref": "#/$defs/duration"}}},
        {"type": "object", "required": ["dist", "min", "max"], "additionalProperties": false,
         "properties": {"dist": {"const": "uniform"}, "min": {"$ref": "#/$defs/duration"},
                        "max": {"$ref": "#/$defs/duration"}}}
      ]
    }
  }
})";

const JsonSchema& schema() {
    static const JsonSchema s = JsonSchema::fromText(kSchema).value();
    return s;
}

QString render(const std::vector<JsonIssue>& issues) {
    QStringList lines;
    for (const JsonIssue& i : issues) {
        lines << QString::fromStdString(i.pointer + ": " + i.message);
    }
    return lines.join('\n');
}

}  // namespace

class TestJsonSchema : public QObject {
    Q_OBJECT

  private slots:
    void valid_data() {
        QTest::addColumn<QString>("doc");
        QTest::newRow("minimal") << R"({"name": "x"})";
        QTest::newRow("integral float is an integer") << R"({"name": "x", "count": 2.0})";
        QTest::newRow("exponent integer") << R"({"name": "x", "count": 1e7})";
        QTest::newRow("largest uint64") << R"({"name": "x", "seed": 18446744073709551615})";
        QTest::newRow("bounds inclusive") << R"({"name": "x", "ratio": 1, "rate": 1e-300})";
        QTest::newRow("duration string") << R"({"name": "x", "when": "1.5 s"})";
        QTest::newRow("duration number") << R"({"name": "x", "when": 0.25})";
        QTest::newRow("variate constant") << R"({"name": "x", "delay": "5ms"})";
        QTest::newRow("variate object")
            << R"({"name": "x", "delay": {"dist": "uniform", "min": 1, "max": "2s"}})";
        QTest::newRow("prefixItems then items")
            << R"({"name": "x", "tuple": ["a", 1, true, false]})";
        QTest::newRow("anyOf second") << R"({"name": "x", "either": 7})";
        QTest::newRow("free-form object")
            << R"({"name": "x", "free": {"anything": [1, {"goes": null}]}})";
        QTest::newRow("typed additional") << R"({"name": "x", "typed": {"a": 1, "b": 2}})";
        QTest::newRow("id") << R"({"name": "x", "id": "gw-eu.1:a_b"})";
    }
    void valid() {
        QFETCH(QString, doc);
        const auto issues = schema().validate(Json::parse(doc.toStdString()));
        QVERIFY2(issues.empty(), qPrintable(render(issues)));
    }

    void invalid_data() {
        QTest::addColumn<QString>("doc");
        QTest::addColumn<QString>("expected");
        QTest::newRow("root type") << "[1, 2]"
                                   << ": expected an object, got [1,2]";
        QTest::newRow("missing required") << "{}"
                                          << ": missing required field \"name\"";
        QTest::newRow("string") << R"({"name": 12})"
                                << "/name: expected a string, got 12";
        QTest::newRow("integer type")
            << R"({"name": "x", "count": "ten"})"
            << "/count: expected an integer from 1 to 10000000, got \"ten\"";
        QTest::newRow("integer fraction")
            << R"({"name": "x", "count": 2.5})"
            << "/count: expected an integer from 1 to 10000000, got 2.5";
        QTest::newRow("minimum") << R"({"name": "x", "count": -5})"
                                 << "/count: expected an integer >= 1, got -5";
        QTest::newRow("maximum huge float") << R"({"name": "x", "count": 1e30})"
                                            << "/count: expected an integer <= 10000000, got 1e+30";
        QTest::newRow("beyond uint64") << R"({"name": "x", "count": 99999999999999999999})"
                                       << "/count: expected an integer <= 10000000, got 1e+20";
        QTest::newRow("beyond int64 negative") << R"({"name": "x", "count": -99999999999999999999})"
                                               << "/count: expected an integer >= 1, got -1e+20";
        QTest::newRow("2^64 above uint64 max")
            << R"({"name": "x", "seed": 18446744073709551616})"
            << "/seed: expected an integer <= 18446744073709551615, got 1.8446744073709552e+19";
        QTest::newRow("negative seed") << R"({"name": "x", "seed": -1})"
                                       << "/seed: expected an integer >= 0, got -1";
        QTest::newRow("number range") << R"({"name": "x", "ratio": 1.5})"
                                      << "/ratio: expected a number <= 1, got 1.5";
        QTest::newRow("number type") << R"({"name": "x", "ratio": "half"})"
                                     << "/ratio: expected a number from 0 to 1, got \"half\"";
        QTest::newRow("exclusive minimum") << R"({"name": "x", "rate": 0})"
                                           << "/rate: expected a number > 0, got 0";
        QTest::newRow("exclusive maximum") << R"({"name": "x", "below": 10})"
                                           << "/below: expected a number < 10, got 10";
        QTest::newRow("boolean") << R"({"name": "x", "flag": "yes"})"
                                 << "/flag: expected true or false, got \"yes\"";
        QTest::newRow("enum") << R"({"name": "x", "mode": "fast"})"
                              << "/mode: expected one of \"heap\", \"ladder\", got \"fast\"";
        QTest::newRow("const") << R"({"name": "x", "kind": "other"})"
                               << "/kind: expected \"dais\", got \"other\"";
        QTest::newRow("exact item count") << R"({"name": "x", "pair": [1]})"
                                          << "/pair: expected an array of 2 items, got [1]";
        QTest::newRow("non-empty") << R"({"name": "x", "tags": []})"
                                   << "/tags: expected a non-empty array, got []";
        QTest::newRow("items") << R"({"name": "x", "tags": ["a", 3]})"
                               << "/tags/1: expected a string, got 3";
        QTest::newRow("prefixItems") << R"({"name": "x", "tuple": [1, 1, "no"]})"
                                     << "/tuple/0: expected a string, got 1\n"
                                        "/tuple/2: expected true or false, got \"no\"";
        QTest::newRow("format") << R"({"name": "x", "when": "10 parsecs"})"
                                << "/when: expected a duration like \"10ms\" or \"1.5s\", got "
                                   "\"10 parsecs\"";
        QTest::newRow("format number bound")
            << R"({"name": "x", "when": -1})"
            << "/when: expected a duration in seconds >= 0, got -1";
        QTest::newRow("format wrong type")
            << R"({"name": "x", "when": true})"
            << "/when: expected a duration like \"10ms\" or \"1.5s\", got true";
        QTest::newRow("id format") << R"({"name": "x", "id": "a b"})"
                                   << "/id: expected an id like \"gw-eu\" (letters, digits, "
                                      "\"_\", \"-\", \".\", \":\"), got \"a b\"";
        QTest::newRow("variate wrong type")
            << R"({"name": "x", "delay": [1]})"
            << "/delay: expected a duration like \"10ms\" or \"1.5s\" or a distribution object, "
               "got [1]";
        QTest::newRow("variate bad string")
            << R"({"name": "x", "delay": "soon"})"
            << "/delay: expected a duration like \"10ms\" or \"1.5s\", got \"soon\"";
        QTest::newRow("discriminator unknown")
            << R"({"name": "x", "delay": {"dist": "gauss"}})"
            << "/delay/dist: expected one of \"constant\", \"uniform\", got \"gauss\"";
        QTest::newRow("discriminator missing") << R"({"name": "x", "delay": {"value": 1}})"
                                               << "/delay: missing required field \"dist\"";
        QTest::newRow("discriminated branch errors")
            << R"({"name": "x", "delay": {"dist": "uniform", "min": "x"}})"
            << "/delay: missing required field \"max\"\n"
               "/delay/min: expected a duration like \"10ms\" or \"1.5s\", got \"x\"";
        QTest::newRow("field of another branch")
            << R"({"name": "x", "delay": {"dist": "constant", "value": 1, "min": 0}})"
            << "/delay/min: unknown field \"min\" (not applicable when \"dist\" is \"constant\")";
        QTest::newRow("unknown field, close")
            << R"({"name": "x", "cuont": 1})"
            << "/cuont: unknown field \"cuont\" (did you mean \"count\"?)";
        QTest::newRow("unknown field, case")
            << R"({"name": "x", "Flag": true})"
            << "/Flag: unknown field \"Flag\" (did you mean \"flag\"?)";
        QTest::newRow("unknown field, far") << R"({"name": "x", "zebra": 1})"
                                            << "/zebra: unknown field \"zebra\"";
        QTest::newRow("short unknown field gets no guess")
            << R"({"name": "x", "id2": 1, "b": 1})"
            << "/id2: unknown field \"id2\" (did you mean \"id\"?)\n"
               "/b: unknown field \"b\"";
        QTest::newRow("typed additional") << R"({"name": "x", "typed": {"a": "one"}})"
                                          << "/typed/a: expected an integer, got \"one\"";
        QTest::newRow("anyOf none fits") << R"({"name": "x", "either": 3})"
                                         << "/either: expected an integer >= 5, got 3";
        QTest::newRow("anyOf wrong type")
            << R"({"name": "x", "either": null})"
            << "/either: expected a string or an integer >= 5, got null";
        QTest::newRow("pointer escaping") << R"({"name": "x", "a/b~c": 1})"
                                          << "/a~1b~0c: unknown field \"a/b~c\"";
        QTest::newRow("long values are shortened")
            << R"({"name": "x", "flag": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})"
            << "/flag: expected true or false, got "
               "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...\"";
        QTest::newRow("document order")
            << R"({"zeta": 1, "nested": {"b": 2, "c": 3}, "count": 0, "name": 1})"
            << "/zeta: unknown field \"zeta\"\n"
               "/nested: missing required field \"a\"\n"
               "/nested/b: expected a string, got 2\n"
               "/nested/c: unknown field \"c\"\n"
               "/count: expected an integer >= 1, got 0\n"
               "/name: expected a string, got 1";
    }
    void invalid() {
        QFETCH(QString, doc);
        QFETCH(QString, expected);
        QCOMPARE(render(schema().validate(Json::parse(doc.toStdString()))), expected);
    }

    void stopsAtTheLimit() {
        Json doc = {{"name", "x"}, {"tags", Json::array()}};
        for (int i = 0; i < 1000; ++i)
            doc["tags"].push_back(i);
        QCOMPARE(schema().validate(doc, 7).size(), std::size_t(7));
    }

    void oneOfNeedsExactlyOne() {
        const auto s = JsonSchema::fromText(
            R"({"oneOf": [{"type": "integer"}, {"type": "number", "minimum": 0}]})");
        QVERIFY(s.ok());
        QVERIFY(s->validate(Json(-1)).empty());   // only the first fits
        QVERIFY(s->validate(Json(0.5)).empty());  // only the second fits
        QCOMPARE(render(s->validate(Json(3))),
                 QString(": expected exactly one of an integer or a number >= 0, got 3"));
        QCOMPARE(render(s->validate(Json(-0.5))), QString(": expected a number >= 0, got -0.5"));
    }

    void booleanSchemas() {
        const auto s = JsonSchema::fromText(R"({"properties": {"no": false, "yes": true}})");
        QVERIFY(s.ok());
        QVERIFY(s->validate(Json::parse(R"({"yes": [1], "other": 2})")).empty());
        QCOMPARE(render(s->validate(Json::parse(R"({"no": 1})"))),
                 QString("/no: no value is allowed here"));
    }

    /// A schema whose alternatives refer to themselves is a mistake, but must not hang or
    /// overflow the stack.
    void cyclicAlternatives() {
        Json cyclic;
        cyclic["$ref"] = "#/$defs/a";
        cyclic["$defs"]["a"]["anyOf"] = {{{"$ref", "#/$defs/a"}}, {{"type", "string"}}};
        const auto s = JsonSchema::fromJson(cyclic);
        QVERIFY(s.ok());
        QVERIFY(s->validate(Json("text")).empty());
        QCOMPARE(render(s->validate(Json(1))), QString(": expected a string, got 1"));
        QVERIFY(s->member(s->root(), Json::object(), "x").schema == nullptr);
    }

    void rejectsWhatItDoesNotImplement_data() {
        QTest::addColumn<QString>("schema");
        QTest::addColumn<QString>("message");
        QTest::newRow("pattern")
            << R"({"properties": {"a": {"type": "string", "pattern": "^x"}}})"
            << "invalid schema:\n  /properties/a: unsupported keyword \"pattern\"";
        QTest::newRow("format") << R"({"type": "string", "format": "email"})"
                                << "invalid schema:\n  /: unsupported format \"email\"";
        QTest::newRow("dangling ref")
            << R"({"$ref": "#/$defs/nothing"})"
            << "invalid schema:\n  /: $ref \"#/$defs/nothing\" leads nowhere";
        QTest::newRow("remote ref")
            << R"({"$ref": "http://example.com/s.json"})"
            << "invalid schema:\n  /: $ref \"http://example.com/s.json\" leads nowhere";
        QTest::newRow("ref cycle")
            << R"({"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"$ref": "#/$defs/a"}}})"
            << "invalid schema:\n  /$defs/a: $ref \"#/$defs/b\" is part of a cycle\n"
               "  /$defs/b: $ref \"#/$defs/a\" is part of a cycle";
        QTest::newRow("validation next to ref")
            << R"({"$defs": {"a": {"type": "string"}}, "properties": {"x": {"$ref": "#/$defs/a", "minimum": 1}}})"
            << "invalid schema:\n  /properties/x: keyword \"minimum\" next to $ref (only "
               "annotations may be)";
        QTest::newRow("bad type") << R"({"type": "float"})"
                                  << "invalid schema:\n  /: invalid type \"float\"";
        QTest::newRow("not json") << "{"
                                  << "invalid schema: not valid JSON";
    }
    void rejectsWhatItDoesNotImplement() {
        QFETCH(QString, schema);
        QFETCH(QString, message);
        const auto s = JsonSchema::fromText(schema.toStdString());
        QVERIFY(!s.ok());
        QCOMPARE(QString::fromStdString(s.error().message), message);
    }

    void memberLookup() {
        const Json& root = schema().root();
        const Json obj = Json::parse(R"({"delay": {"dist": "constant"}})");
        QVERIFY(schema().member(root, obj, "count").schema != nullptr);
        QCOMPARE(QString::fromStdString(schema().member(root, obj, "cuont").problem),
                 QString("unknown field \"cuont\" (did you mean \"count\"?)"));
        const Json& delay = *schema().member(root, obj, "delay").schema;
        const Json& dist = obj["delay"];
        QVERIFY(schema().member(delay, dist, "value").schema != nullptr);
        QCOMPARE(QString::fromStdString(schema().member(delay, dist, "max").problem),
                 QString("unknown field \"max\" (not applicable when \"dist\" is \"constant\")"));
        QVERIFY(schema()
                    .member(*schema().member(root, obj, "free").schema, Json::object(), "x")
                    .schema != nullptr);
        const Json& tuple = *schema().member(root, obj, "tuple").schema;
        QCOMPARE(schema().resolve(*schema().element(tuple, 1))["type"], Json("integer"));
        QCOMPARE(schema().resolve(*schema().element(tuple, 5))["type"], Json("boolean"));
    }
};

QTEST_APPLESS_MAIN(TestJsonSchema)
#include "tst_json_schema.moc"
