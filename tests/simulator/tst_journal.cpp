// The journal of outside input: a run fed from another thread, replayed from its journal file
// with no thread and no clock, gives the same handler calls and fingerprint; a truncated or
// corrupted file gives an error naming the file and where, never a crash.
#include <QtTest>

#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "dais/sim/journal.h"
#include "dais/sim/simulation.h"

using namespace dais::sim;

namespace {

std::vector<std::byte> bytesOf(const std::string& s) {
    const auto* p = reinterpret_cast<const std::byte*>(s.data());
    return {p, p + s.size()};
}

/// A model with work of its own and input from outside: tickers on four targets, and an input
/// handler that schedules echoes, one at its own time (so that inputs and model events meet at
/// equal times). It stops the run when the last input expected has been handled.
struct Model {
    using Call = std::tuple<SimTime, TargetId, KindId, std::uint64_t, std::uint16_t, std::string>;
    KindId tick = 0, input = 0, echo = 0;
    std::uint64_t expected = 0, inputs = 0;
    bool postFromTicks = false;  // the original run: some input comes while ticks run
    std::vector<Call> calls;

    Model(Simulation& sim, std::uint64_t expectedInputs) : expected(expectedInputs) {
        tick = sim.registerKind<&Model::onTick>("model.tick", *this);
        input = sim.registerKind<&Model::onInput>("model.input", *this);
        echo = sim.registerKind<&Model::onEcho>("model.echo", *this);
        for (TargetId t = 0; t < 4; ++t)
            sim.scheduleAt(0, t, tick, 0);
    }
    void onTick(Simulation& sim, const Event& e) {
        calls.emplace_back(e.time, e.target, e.kind, e.data, e.aux, "");
        if (e.data < 5'000)
            sim.scheduleIn(kMillisecond * (1 + e.target % 2), e.target, tick, e.data + 1);
        if (postFromTicks && e.target == 0 && e.data % 1'000 == 0)
            sim.inbox().post(input, 100, e.data, 1, bytesOf("from tick " + std::to_string(e.data)));
    }
    void onInput(Simulation& sim, const Event& e) {
        const auto b = sim.inputBytes(e);
        calls.emplace_back(e.time, e.target, e.kind, e.data, e.aux,
                           std::string(reinterpret_cast<const char*>(b.data()), b.size()));
        sim.scheduleIn(0, e.target % 4, echo, e.data);
        sim.scheduleIn(kMillisecond, e.target % 4, echo, e.data);
        if (++inputs == expected) sim.stop();
    }
    void onEcho(Simulation&, const Event& e) {
        calls.emplace_back(e.time, e.target, e.kind, e.data, e.aux, "");
    }
};

constexpr std::uint64_t kThreadInputs = 300;
constexpr std::uint64_t kTickInputs = 6;  // ticks 0, 1000, ..., 5000 of target 0

Journal sampleJournal() {
    Journal j;
    j.seed = 42;
    j.entries.push_back({0, 0, "model.input", 3, 7, 1, bytesOf("hello")});
    j.entries.push_back({5, kSecond, "model.input", 4, 8, 2, {}});
    j.entries.push_back({9, 2 * kSecond, "model.tick", 5, 9, 3, bytesOf("third")});
    return j;
}

std::string writeBytes(const QTemporaryDir& dir, const char* name, const std::string& bytes) {
    const std::string path = dir.filePath(name).toStdString();
    std::ofstream(path, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
    return path;
}

}  // namespace

class TestJournal : public QObject {
    Q_OBJECT

  private slots:
    void replayGivesTheSameRun() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string path = dir.filePath("run.journal").toStdString();

        // The original: input from a thread while the run goes, and from the tickers.
        Simulation live({7, QueueKind::Ladder});
        Model a(live, kThreadInputs + kTickInputs);
        a.postFromTicks = true;
        Journal journal;
        live.recordJournal(&journal);
        live.setKeepAlive(true);  // waits for the thread's input once the ticks are done
        std::thread poster([&] {
            for (std::uint64_t i = 0; i < kThreadInputs; ++i) {
                while (!live.inbox().post(a.input, TargetId(i % 9), 1'000'000 + i, std::uint16_t(i),
                                          bytesOf(i % 2 ? "odd " + std::to_string(i) : "")))
                    std::this_thread::yield();  // full: try again
                if (i % 16 == 0) std::this_thread::yield();
            }
        });
        QCOMPARE(live.run(), StopReason::Stopped);
        poster.join();
        QCOMPARE(journal.entries.size(), std::size_t(kThreadInputs + kTickInputs));
        QCOMPARE(journal.seed, std::uint64_t(7));
        // Input came at several points of the run, not all at once.
        QVERIFY(journal.entries.front().point < journal.entries.back().point);
        QVERIFY(writeJournalFile(journal, path).ok());

        // The replay: from the file, no thread, no clock, no keep-alive.
        Result<Journal> read = readJournalFile(path);
        QVERIFY2(read.ok(), read.ok() ? "" : read.error().message.c_str());
        QVERIFY(read.value() == journal);
        Simulation replay({7, QueueKind::Heap});
        Model b(replay, kThreadInputs + kTickInputs);
        Journal again;
        replay.recordJournal(&again);
        const Result<void> set = replay.replayJournal(read.value());
        QVERIFY2(set.ok(), set.ok() ? "" : set.error().message.c_str());
        QCOMPARE(replay.run(), StopReason::Stopped);
        QCOMPARE(b.calls.size(), a.calls.size());
        QVERIFY(b.calls == a.calls);
        QCOMPARE(replay.executed(), live.executed());
        QCOMPARE(replay.fingerprint().value(), live.fingerprint().value());
        QVERIFY(again == journal);  // the replay takes the same input at the same points
    }

    void replayThatDoesNotFitFails() {
        Journal j;
        j.seed = 1;
        // Taken after 6 events at 0 s, but in this run the 6th event is at 1 ms.
        j.entries.push_back({6, 0, "model.input", 1, 2, 0, {}});
        Simulation sim({1, QueueKind::Heap});
        Model m(sim, 1);
        QVERIFY(sim.replayJournal(j).ok());
        bool failed = false;
        try {
            sim.run();
        } catch (const RunFailure& e) {
            failed = true;
            QVERIFY2(std::string(e.what()).find("does not fit") != std::string::npos, e.what());
        }
        QVERIFY(failed);
    }

    void replayRefusesUnknownKindsAndOtherSeeds() {
        Simulation sim({42, QueueKind::Heap});
        Model m(sim, 1);
        Journal j = sampleJournal();
        QVERIFY(sim.replayJournal(j).ok());
        j.entries[1].kind = "model.nothing";
        Result<void> r = sim.replayJournal(j);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().message,
                 std::string("journal entry 2: no event kind \"model.nothing\" is registered in "
                             "this run"));
        j = sampleJournal();
        j.seed = 43;
        r = sim.replayJournal(j);
        QVERIFY(!r.ok());
        QVERIFY(r.error().message.find("seed 43") != std::string::npos);
    }

    void fileRoundTrips() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("a.journal").toStdString();
        const Journal j = sampleJournal();
        QVERIFY(writeJournalFile(j, path).ok());
        const Result<Journal> r = readJournalFile(path);
        QVERIFY(r.ok());
        QVERIFY(r.value() == j);
        QVERIFY(decodeJournal(encodeJournal(Journal{}), "empty").ok());
        const Result<Journal> missing = readJournalFile(dir.filePath("none").toStdString());
        QVERIFY(!missing.ok());
        QVERIFY(missing.error().message.starts_with("cannot read the journal "));
        const Result<void> unwritable =
            writeJournalFile(j, dir.filePath("no/such/dir").toStdString());
        QVERIFY(!unwritable.ok());
        QVERIFY(unwritable.error().message.starts_with("cannot write the journal "));
    }

    void truncatedJournalIsNamed_data() {
        QTest::addColumn<int>("cut");
        QTest::addColumn<QString>("expected");
        const std::string full = encodeJournal(sampleJournal());
        QTest::newRow("in the header") << 5 << "truncated at byte 5: the header needs 24 bytes";
        QTest::newRow("first entry, fixed part")
            << 40
            << "entry 1 (at byte 24) is truncated at byte 40: it needs 36 bytes before its name, "
               "16 are left";
        QTest::newRow("last entry, checksum") << int(full.size() - 3) << "entry 3 (at byte";
    }
    void truncatedJournalIsNamed() {
        QFETCH(int, cut);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        const std::string path = writeBytes(
            dir, "cut.journal", encodeJournal(sampleJournal()).substr(0, std::size_t(cut)));
        const Result<Journal> r = readJournalFile(path);
        QVERIFY(!r.ok());
        const std::string& msg = r.error().message;
        QVERIFY2(msg.starts_with(path + ": "), msg.c_str());
        QVERIFY2(msg.find(expected.toStdString()) != std::string::npos, msg.c_str());
        QVERIFY2(msg.find("truncated") != std::string::npos, msg.c_str());
    }

    void corruptedJournalIsNamed_data() {
        QTest::addColumn<int>("offset");
        QTest::addColumn<int>("value");
        QTest::addColumn<QString>("expected");
        const std::string full = encodeJournal(sampleJournal());
        const int second = 24 + 36 + 11 + 5 + 8;  // after entry 1: fixed part, name, body, sum
        QTest::newRow("magic") << 0 << int('X') << "not a DAIS journal";
        QTest::newRow("version") << 8 << 2 << "journal version 2 is not supported";
        QTest::newRow("data of entry 2")
            << second + 24 << 0x55
            << "entry 2 (at byte 84) is corrupted: its checksum does not match";
        QTest::newRow("body length of entry 2")
            << second + 35 << 0x7f << "entry 2 (at byte 84) is corrupted: its body of";
    }
    void corruptedJournalIsNamed() {
        QFETCH(int, offset);
        QFETCH(int, value);
        QFETCH(QString, expected);
        std::string bytes = encodeJournal(sampleJournal());
        bytes[std::size_t(offset)] = static_cast<char>(value);
        QTemporaryDir dir;
        const std::string path = writeBytes(dir, "bad.journal", bytes);
        const Result<Journal> r = readJournalFile(path);
        QVERIFY(!r.ok());
        const std::string& msg = r.error().message;
        QVERIFY2(msg.starts_with(path + ": "), msg.c_str());
        QVERIFY2(msg.find(expected.toStdString()) != std::string::npos, msg.c_str());
    }
};

QTEST_GUILESS_MAIN(TestJournal)
#include "tst_journal.moc"
