// The scenario schema file itself: it is what dais_core embeds, it loads, and it is written so
// that nothing slips through (every object closed to unknown fields, except the two free-form
// ones) and so that it can serve as help text (every property described).
#include <QtTest>

#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <string>

#include "dais/core/scenario.h"

using namespace dais::core;
using Json = nlohmann::ordered_json;

namespace {

const char* const kSchemaPath = DAIS_SOURCE_DIR "/resources/schema/dais-scenario-v1.schema.json";

std::string readFile(const char* path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

/// Calls `visit(subschema, pointer)` for the root and every subschema below it.
void forEachSchema(const Json& s, const std::string& ptr,
                   const std::function<void(const Json&, const std::string&)>& visit) {
    visit(s, ptr);
    if (!s.is_object()) return;
    for (const char* map : {"properties", "$defs"}) {
        if (!s.contains(map)) continue;
        for (const auto& [name, sub] : s[map].items())
            forEachSchema(sub, ptr + "/" + map + "/" + name, visit);
    }
    for (const char* list : {"prefixItems", "oneOf", "anyOf"}) {
        if (!s.contains(list)) continue;
        for (std::size_t i = 0; i < s[list].size(); ++i) {
            forEachSchema(s[list][i], ptr + "/" + list + "/" + std::to_string(i), visit);
        }
    }
    for (const char* single : {"items", "additionalProperties"}) {
        if (s.contains(single) && s[single].is_object())
            forEachSchema(s[single], ptr + "/" + single, visit);
    }
}

const Json& root() {
    return scenarioSchema().value().root();
}

}  // namespace

class TestScenarioSchema : public QObject {
    Q_OBJECT

  private slots:
    void embeddedCopyIsTheFile() {
        const std::string onDisk = readFile(kSchemaPath);
        QVERIFY(!onDisk.empty());
        QVERIFY(scenarioSchemaText() == onDisk);
    }

    void loads() {
        const Result<JsonSchema>& schema = scenarioSchema();
        QVERIFY2(schema.ok(), schema.ok() ? "" : schema.error().message.c_str());
        QCOMPARE(root()["$schema"], Json("https://json-schema.org/draft/2020-12/schema"));
    }

    /// A test of the test: the walk below must see the nested parts of the schema.
    void walkSeesEverything() {
        std::set<std::string> seen;
        forEachSchema(root(), "", [&](const Json&, const std::string& ptr) { seen.insert(ptr); });
        QVERIFY(seen.count(
            "/$defs/topology/oneOf/7/properties/latency_matrix/properties/latency/items/items"));
        QVERIFY(seen.count("/$defs/time_distribution/oneOf/4/properties/sigma"));
        QVERIFY(seen.count("/properties/meta/properties/tags/items"));
    }

    /// Unknown fields can never pass silently: every object is closed, except the two that are
    /// free-form on purpose, and those say so explicitly. Maps keyed by parameter path (an
    /// experiment's grid and random parameters) give every value a schema; their keys are
    /// checked as paths by the sweep planner.
    void everyObjectIsClosed() {
        // Layer settings and layer attributes are checked against the layers' descriptors.
        const std::set<std::string> freeForm = {"/properties/layers", "/properties/ui",
                                                "/$defs/attributes/additionalProperties"};
        const std::set<std::string> keyedMaps = {"/$defs/experiment/properties/grid",
                                                 "/$defs/experiment_random/properties/parameters",
                                                 "/$defs/attributes"};
        std::set<std::string> freeFound, mapsFound;
        forEachSchema(root(), "", [&](const Json& s, const std::string& ptr) {
            if (!s.is_object()) return;
            const bool objectSchema =
                s.contains("properties") || s.value("type", Json()) == "object";
            if (!objectSchema) return;
            QVERIFY2(s.contains("additionalProperties"), qPrintable(QString::fromStdString(ptr)));
            if (keyedMaps.count(ptr) != 0) {
                QVERIFY2(s["additionalProperties"].is_object(),
                         qPrintable(QString::fromStdString(ptr)));
                mapsFound.insert(ptr);
            } else if (freeForm.count(ptr) != 0) {
                QVERIFY2(s["additionalProperties"] == true,
                         qPrintable(QString::fromStdString(ptr)));
                freeFound.insert(ptr);
            } else {
                QVERIFY2(s["additionalProperties"] == false,
                         qPrintable(QString::fromStdString(ptr)));
            }
        });
        QCOMPARE(freeFound, freeForm);
        QCOMPARE(mapsFound, keyedMaps);
    }

    /// Descriptions double as help text in the studio and the CLI: every part of the schema
    /// has one, except a bare {"$ref": ...} whose target has its own.
    void everythingIsDescribed() {
        forEachSchema(root(), "", [&](const Json& s, const std::string& ptr) {
            if (s.is_object() && s.size() == 1 && s.contains("$ref")) return;
            QVERIFY2(
                s.is_object() && s.contains("description") && s["description"].is_string() &&
                    !s["description"].get<std::string>().empty(),
                qPrintable("no description at " + QString::fromStdString(ptr.empty() ? "/" : ptr)));
        });
    }

    void everyDefinitionIsUsed() {
        std::set<std::string> referenced;
        forEachSchema(root(), "", [&](const Json& s, const std::string&) {
            if (s.is_object() && s.contains("$ref"))
                referenced.insert(s["$ref"].get<std::string>());
        });
        for (const auto& [name, def] : root()["$defs"].items()) {
            QVERIFY2(referenced.count("#/$defs/" + name) != 0,
                     qPrintable(QString::fromStdString(name)));
        }
    }

    /// A link repeats link_props' fields next to from/to (JSON Schema has no inheritance we use);
    /// they must not drift apart.
    void linkMatchesLinkProps() {
        const Json& link = root()["$defs"]["link"]["properties"];
        const Json& props = root()["$defs"]["link_props"]["properties"];
        std::set<std::string> linkKeys, expected = {"from", "to"};
        for (const auto& [name, sub] : link.items())
            linkKeys.insert(name);
        for (const auto& [name, sub] : props.items()) {
            expected.insert(name);
            Json a = link.value(name, Json()), b = sub;
            a.erase("description");
            b.erase("description");
            QVERIFY2(a == b, qPrintable(QString::fromStdString(name)));
        }
        QCOMPARE(linkKeys, expected);
    }
};

QTEST_APPLESS_MAIN(TestScenarioSchema)
#include "tst_scenario_schema.moc"
