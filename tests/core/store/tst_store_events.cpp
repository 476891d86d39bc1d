// A run's structured events in the run store: kept with its finish and read back in order,
// found by node, by digest prefix (either case) and by kind, with how many the run kept and let
// go; runs without events read as having none, deleting a run deletes them, and a stored event
// that names an impossible node is reported as damage naming the run.
#include <QtTest>

#include <QTemporaryDir>

#include <algorithm>
#include <cctype>

#include <sqlite3.h>

#include "dais/core/digest.h"
#include "dais/store/run_store.h"

using namespace dais;
using store::RunStore;

namespace {

#define REQUIRE_OK(expr)                                              \
    do {                                                              \
        const auto& r_ = (expr);                                      \
        QVERIFY2(r_.ok(), r_.ok() ? "" : r_.error().message.c_str()); \
    } while (false)

core::Digest digestOf(const std::string& text) {
    return core::sha256(std::as_bytes(std::span(text.data(), text.size())));
}

/// Events of two layers over three nodes ("server", "phones[0]", "phones[1]"): every update
/// "u1".."u4" sent by a phone and accepted or late at the server, a round closed without a
/// node, and `dropped` more recorded and not kept.
std::shared_ptr<const core::RunEvents> sampleEvents(std::uint64_t dropped = 0) {
    auto catalog = std::make_shared<core::RunEventCatalog>();
    catalog->layers = {{"fl",
                        {{"fl.update_sent", "Sent."},
                         {"fl.update_accepted", "Taken."},
                         {"fl.round_closed", "Closed."}}},
                       {"gossip", {{"gossip.rumour_started", "Started."}}}};
    auto names =
        core::NodeNames::fromJson({{"nodes", 3},
                                   {"explicit", {"server"}},
                                   {"groups", {{{"id", "phones"}, {"first", 1}, {"count", 2}}}}});
    if (!names) qFatal("%s", names.error().message.c_str());
    auto ev = std::make_shared<core::RunEvents>();
    ev->catalog = catalog;
    ev->nodes = std::make_shared<const core::NodeNames>(std::move(names).value());
    ev->limit = 1000;
    ev->dropped = dropped;
    auto add = [&](sim::SimTime t, std::uint16_t layer, core::EventKind kind, sim::NodeIndex node,
                   const std::string& digestText, const std::string& detail) {
        core::RunEvent e;
        e.time = t;
        e.layer = layer;
        e.kind = kind;
        e.node = node;
        if (!digestText.empty()) {
            e.hasDigest = true;
            e.digest = digestOf(digestText);
        }
        e.detail = detail;
        ev->events.push_back(std::move(e));
    };
    for (int u = 1; u <= 4; ++u) {
        const std::string id = "u" + std::to_string(u);
        add(u * sim::kSecond, 0, 0, static_cast<sim::NodeIndex>(1 + u % 2), id, "sent " + id);
    }
    for (int u = 1; u <= 4; ++u) {
        const std::string id = "u" + std::to_string(u);
        add(10 * sim::kSecond, 0, 1, static_cast<sim::NodeIndex>(1 + u % 2), id, "took " + id);
    }
    add(11 * sim::kSecond, 0, 2, core::kNoEventNode, "", "round 1");
    add(12 * sim::kSecond, 1, 0, 0, "r1", "rumour 1");
    return ev;
}

}  // namespace

class TestStoreEvents : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    int serial_ = 0;

    std::string freshPath() {
        return tmp_.filePath(QString("events-%1.sqlite").arg(++serial_)).toStdString();
    }
    static store::RunId record(RunStore& s, std::shared_ptr<const core::RunEvents> events) {
        auto hash = s.putScenario("demo", R"({"format": "dais-scenario"})");
        if (!hash) qFatal("%s", hash.error().message.c_str());
        store::RunStart start;
        start.scenarioHash = *hash;
        start.scenarioName = "demo";
        auto w = s.beginRun(start);
        if (!w) qFatal("%s", w.error().message.c_str());
        store::RunFinish finish;
        finish.runEvents = std::move(events);
        if (auto done = (*w)->finish(finish); !done) qFatal("%s", done.error().message.c_str());
        return (*w)->id();
    }

  private slots:
    void eventsReadBackInOrder() {
        auto s = RunStore::open(freshPath());
        REQUIRE_OK(s);
        const auto written = sampleEvents(7);
        const store::RunId id = record(**s, written);
        auto events = (*s)->events(id);
        REQUIRE_OK(events);
        QCOMPARE(events->size(), written->events.size());
        for (std::size_t i = 0; i < events->size(); ++i) {
            const store::StoredEvent& got = (*events)[i];
            const core::RunEvent& want = written->events[i];
            QCOMPARE(got.time, want.time);
            QCOMPARE(got.layer, written->catalog->layerId(want));
            QCOMPARE(got.kind, written->catalog->kind(want).name);
            QCOMPARE(got.detail, want.detail);
            QCOMPARE(got.digest, want.hasDigest ? core::hexText(want.digest) : std::string());
            QCOMPARE(got.node.has_value(), want.node != core::kNoEventNode);
            QCOMPARE(got.nodeName, written->nodeName(want));
        }
        QCOMPARE((*events)[0].nodeName, std::string("phones[1]"));
        QCOMPARE(events->back().nodeName, std::string("server"));
        auto counts = (*s)->eventCounts(id);
        REQUIRE_OK(counts);
        QVERIFY(counts->has_value());
        QCOMPARE((*counts)->kept, std::uint64_t{10});
        QCOMPARE((*counts)->dropped, std::uint64_t{7});
        QCOMPARE((*counts)->limit, std::uint64_t{1000});
        auto kinds = (*s)->eventKinds(id);
        REQUIRE_OK(kinds);
        QCOMPARE(*kinds, (std::vector<std::string>{"fl.update_sent", "fl.update_accepted",
                                                   "fl.round_closed", "gossip.rumour_started"}));
    }

    void eventsAreFoundByNodeDigestAndKind() {
        auto s = RunStore::open(freshPath());
        REQUIRE_OK(s);
        const store::RunId id = record(**s, sampleEvents());
        record(**s, sampleEvents());  // another run's events never match
        auto names = (*s)->nodeNames(id);
        REQUIRE_OK(names);
        QVERIFY(names->has_value());
        const auto phone0 = (*names)->find("phones[0]");
        QCOMPARE(phone0, std::optional<std::uint32_t>(1));
        QVERIFY(!(*names)->find("phones[2]"));
        QCOMPARE((*names)->find("#2"), std::optional<std::uint32_t>(2));

        store::EventQuery byNode;
        byNode.node = *phone0;
        auto onNode = (*s)->events(id, byNode);
        REQUIRE_OK(onNode);
        QCOMPARE(onNode->size(), std::size_t{4});  // u2 and u4, sent and taken
        for (const auto& e : *onNode)
            QCOMPARE(e.nodeName, std::string("phones[0]"));
        QCOMPARE(onNode->front().detail, std::string("sent u2"));

        // The digest of "u3", by its first digits, in upper case: its two events.
        const std::string hex = core::hexText(digestOf("u3"));
        std::string prefix = hex.substr(0, 6);
        std::transform(prefix.begin(), prefix.end(), prefix.begin(), ::toupper);
        store::EventQuery byDigest;
        byDigest.digestPrefix = prefix;
        auto ofDigest = (*s)->events(id, byDigest);
        REQUIRE_OK(ofDigest);
        QCOMPARE(ofDigest->size(), std::size_t{2});
        QCOMPARE((*ofDigest)[0].detail, std::string("sent u3"));
        QCOMPARE((*ofDigest)[1].detail, std::string("took u3"));
        QCOMPARE((*ofDigest)[1].digest, hex);
        byDigest.digestPrefix = hex;  // the whole digest
        QCOMPARE((*s)->events(id, byDigest)->size(), std::size_t{2});

        store::EventQuery byKind;
        byKind.kinds = {"fl.round_closed", "gossip.rumour_started"};
        auto ofKinds = (*s)->events(id, byKind);
        REQUIRE_OK(ofKinds);
        QCOMPARE(ofKinds->size(), std::size_t{2});
        QVERIFY(!ofKinds->front().node.has_value());
        byKind.limit = 1;
        QCOMPARE((*s)->events(id, byKind)->size(), std::size_t{1});

        store::EventQuery all;
        all.node = *phone0;
        all.digestPrefix = hex.substr(0, 4);
        QCOMPARE((*s)->events(id, all)->size(), std::size_t{0});  // u3 is on phones[1]
    }

    void queriesUseTheIndexes() {
        const std::string path = freshPath();
        {
            auto s = RunStore::open(path);
            REQUIRE_OK(s);
            record(**s, sampleEvents());
        }
        sqlite3* db = nullptr;
        QCOMPARE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
        auto plan = [db](const char* sql) {
            sqlite3_stmt* st = nullptr;
            const std::string explain = std::string("EXPLAIN QUERY PLAN ") + sql;
            sqlite3_prepare_v2(db, explain.c_str(), -1, &st, nullptr);
            std::string out;
            while (sqlite3_step(st) == SQLITE_ROW)
                out +=
                    reinterpret_cast<const char*>(sqlite3_column_text(st, 3)) + std::string("\n");
            sqlite3_finalize(st);
            return out;
        };
        const std::string node = plan("SELECT * FROM run_events WHERE run_id = 1 AND node = 2");
        QVERIFY2(node.find("run_events_by_node") != std::string::npos, node.c_str());
        const std::string digest =
            plan("SELECT * FROM run_events WHERE run_id = 1 AND digest >= 'ab' AND digest < 'abg'");
        QVERIFY2(digest.find("run_events_by_digest") != std::string::npos, digest.c_str());
        sqlite3_close(db);
    }

    void runsWithoutEventsHaveNone() {
        auto s = RunStore::open(freshPath());
        REQUIRE_OK(s);
        const store::RunId id = record(**s, nullptr);
        auto events = (*s)->events(id);
        REQUIRE_OK(events);
        QVERIFY(events->empty());
        auto counts = (*s)->eventCounts(id);
        REQUIRE_OK(counts);
        QVERIFY(!counts->has_value());
        auto names = (*s)->nodeNames(id);
        REQUIRE_OK(names);
        QVERIFY(!names->has_value());
    }

    void deletingARunDeletesItsEvents() {
        const std::string path = freshPath();
        auto s = RunStore::open(path);
        REQUIRE_OK(s);
        const store::RunId gone = record(**s, sampleEvents());
        const store::RunId kept = record(**s, sampleEvents());
        REQUIRE_OK((*s)->deleteRun(gone));
        QVERIFY(!(*s)->eventCounts(gone)->has_value());
        QCOMPARE((*s)->events(kept)->size(), std::size_t{10});
        sqlite3* db = nullptr;
        QCOMPARE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
        sqlite3_stmt* st = nullptr;
        sqlite3_prepare_v2(db, "SELECT count(*) FROM run_events", -1, &st, nullptr);
        QCOMPARE(sqlite3_step(st), SQLITE_ROW);
        QCOMPARE(sqlite3_column_int64(st, 0), sqlite3_int64{10});
        sqlite3_finalize(st);
        sqlite3_close(db);
    }

    void damagedEventIsReported() {
        const std::string path = freshPath();
        store::RunId id = 0;
        {
            auto s = RunStore::open(path);
            REQUIRE_OK(s);
            id = record(**s, sampleEvents());
        }
        sqlite3* db = nullptr;
        QCOMPARE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
        QCOMPARE(sqlite3_exec(db, "UPDATE run_events SET node = -5 WHERE detail = 'took u1'",
                              nullptr, nullptr, nullptr),
                 SQLITE_OK);
        sqlite3_close(db);
        auto s = RunStore::open(path, {store::StoreOptions::Mode::ReadOnly});
        REQUIRE_OK(s);  // the store still opens; its other records read
        REQUIRE_OK((*s)->run(id));
        auto events = (*s)->events(id);
        QVERIFY(!events.ok());
        QVERIFY2(
            QString::fromStdString(events.error().message)
                .contains("run " + QString::number(id) + " is damaged: an event names node -5"),
            events.error().message.c_str());
        store::EventQuery other;
        other.kinds = {"fl.round_closed"};
        REQUIRE_OK((*s)->events(id, other));
    }
};

QTEST_GUILESS_MAIN(TestStoreEvents)
#include "tst_store_events.moc"
