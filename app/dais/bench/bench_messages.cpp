// dais bench messages: structured messages (typed records through core::MessageChannel) against
// plain Network::send with a payload word, on the same network and the same traffic.
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench.h"
#include "cli.h"
#include "dais/core/message_channel.h"
#include "dais/core/network_transport.h"
#include "dais/sim/network.h"
#include "measurement.h"

namespace dais::app {
namespace {

constexpr const char* kBenchMessagesHelp = R"(usage: dais bench messages [options]

Sends --messages messages over a star of --leaves leaves around a hub (1 ms links of 10 Gbit/s):
--window messages circulate at once, and each arrival sends the next, from the leaf it reached
to leaf (i * 7 + 3) mod N, two hops away. The same traffic runs
(1) with plain Network::send, the payload a 64-bit word, and
(2) through a MessageChannel of typed records (40 bytes: three words and a tag, moved into the
    channel's pool, carried by handle and moved out to the handler on arrival);
and (3) their ratio, against the bar of at most 1.2x. Both count every hop as a kernel event.
Each figure is the median of --repeats measurements.

options:
  --messages N   messages per measurement (default 2000000)
  --leaves N     leaves of the star (default 1000)
  --window N     messages in flight at once (default 10000)
  --repeats N    measurements of each kind (default 5)
  --json         print the figures as JSON
)";

using Clock = std::chrono::steady_clock;

/// The star both kinds run on.
sim::NetworkSpec star(std::uint64_t leaves) {
    sim::NetworkSpec s;
    sim::NodeSpec hub;
    hub.id = "hub";
    s.nodes.push_back(hub);
    sim::GroupSpec g;
    g.id = "leaves";
    g.count = static_cast<std::uint32_t>(leaves);
    g.attachTo = "hub";
    g.access.latency = sim::Variate::constant(1e6);  // 1 ms
    g.access.bandwidthBps = 1e10;
    s.groups.push_back(g);
    return s;
}

/// What every sender shares: the messages left to send and where the next one goes.
struct Traffic {
    std::uint64_t left = 0, delivered = 0, checksum = 0;
    std::uint32_t leaves = 0;
    sim::NodeIndex first = 1;  // the first leaf
    sim::NodeIndex next(std::uint64_t i) const {
        return first + static_cast<sim::NodeIndex>((i * 7 + 3) % leaves);
    }
};

struct Plain {
    Traffic t;
    sim::Network* net = nullptr;
    sim::PortId port = 0;
    static void onArrive(void* self, sim::Network&, const sim::Delivery& d) {
        auto& p = *static_cast<Plain*>(self);
        ++p.t.delivered;
        p.t.checksum += d.payload;
        if (p.t.left == 0) return;
        --p.t.left;
        p.net->send(d.to, p.t.next(d.payload), 40, p.port, d.payload + 1);
    }
    void send(sim::NodeIndex from, sim::NodeIndex to, std::uint64_t i) {
        net->send(from, to, 40, port, i);
    }
};

struct Record {
    std::uint64_t seq = 0, job = 0, price = 0;
    std::uint32_t tag = 0;
};

struct Typed {
    Traffic t;
    std::unique_ptr<core::NetworkTransport> wire;
    core::MessageChannel<Record> channel;
    static void onArrive(void* self, const sim::Delivery& d, Record& r) {
        auto& p = *static_cast<Typed*>(self);
        ++p.t.delivered;
        p.t.checksum += r.seq;
        if (p.t.left == 0) return;
        --p.t.left;
        p.channel.send(d.to, p.t.next(r.seq), 40, Record{r.seq + 1, r.job, r.price, r.tag});
    }
    void send(sim::NodeIndex from, sim::NodeIndex to, std::uint64_t i) {
        channel.send(from, to, 40, Record{i, i * 3, i * 5, 7});
    }
};

struct Measured {
    double perSecond = 0;
    std::uint64_t checksum = 0, events = 0;
};

template <class Sender, class Start>
Measured measure(std::uint64_t messages, std::uint64_t leaves, std::uint64_t window, Sender& s,
                 Start start) {
    sim::Simulation sim({1, sim::QueueKind::Ladder});
    auto built = sim::Network::build(sim, star(leaves));
    if (!built) return {};
    sim::Network& net = **built;
    s.t.left = messages;
    s.t.leaves = static_cast<std::uint32_t>(leaves);
    start(net);
    for (std::uint64_t i = 0; i < window && s.t.left > 0; ++i, --s.t.left)
        s.send(s.t.first + static_cast<sim::NodeIndex>(i % leaves), s.t.next(i), i);
    const auto t0 = Clock::now();
    sim.run();
    const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    return {static_cast<double>(s.t.delivered) / seconds, s.t.checksum, sim.executed()};
}

}  // namespace

int benchMessages(const std::vector<std::string>& words) {
    Args args(words);
    std::uint64_t messages = 2'000'000, leaves = 1000, window = 10'000, repeats = 5;
    bool json = false;
    while (!args.done()) {
        auto number = [&](const char* name, std::uint64_t& into, std::uint64_t lo,
                          std::uint64_t hi) { return takeWholeNumber(args, name, into, lo, hi); };
        if (args.flag("help")) return std::fputs(kBenchMessagesHelp, stdout), kExitOk;
        int r;
        if ((r = number("messages", messages, 1000, 1'000'000'000)) ||
            (r = number("leaves", leaves, 2, 10'000'000)) ||
            (r = number("window", window, 1, 100'000'000)) ||
            (r = number("repeats", repeats, 1, 100))) {
            if (r == 2) return kExitUsage;
        } else if (args.flag("json")) {
            json = true;
        } else {
            printError("bench messages: unknown option " + args.peek() +
                       " (see dais bench messages --help)");
            return kExitUsage;
        }
    }
    std::vector<double> plain, typed;
    for (std::uint64_t i = 0; i < repeats; ++i) {
        // Alternate the two, so a change in the machine's load affects both alike.
        Plain p;
        const Measured a = measure(messages, leaves, window, p, [&](sim::Network& net) {
            p.net = &net;
            p.port = net.registerPort("plain", &Plain::onArrive, &p);
        });
        Typed t;
        const Measured b = measure(messages, leaves, window, t, [&](sim::Network& net) {
            t.wire = std::make_unique<core::NetworkTransport>(net);
            t.channel.open(*t.wire, "typed", &Typed::onArrive, &t);
        });
        if (a.perSecond <= 0 || b.perSecond <= 0 || a.checksum != b.checksum ||
            a.events != b.events || t.channel.inFlight() != 0) {
            printError("bench messages: the two kinds did not carry the same traffic");
            return kExitFailure;
        }
        plain.push_back(a.perSecond);
        typed.push_back(b.perSecond);
        if (!json)
            std::fprintf(stderr, "  repeat %llu: plain %s messages/s, typed %s messages/s\n",
                         static_cast<unsigned long long>(i + 1), siNumber(a.perSecond).c_str(),
                         siNumber(b.perSecond).c_str());
    }
    const double p = median(plain), s = median(typed), ratio = p / s;
    const bool bar = ratio <= 1.2;
    if (json) {
        const nlohmann::json out = {{"messages", messages},
                                    {"leaves", leaves},
                                    {"window", window},
                                    {"repeats", repeats},
                                    {"plain_messages_per_second", p},
                                    {"typed_messages_per_second", s},
                                    {"ratio", ratio},
                                    {"within_1_2x", bar}};
        std::printf("%s\n", out.dump(2).c_str());
        return kExitOk;
    }
    std::printf(
        "messages per measurement   %s over a star of %s leaves, %s in flight, median "
        "of %llu\n",
        groupDigits(messages).c_str(), groupDigits(leaves).c_str(), groupDigits(window).c_str(),
        static_cast<unsigned long long>(repeats));
    std::printf("plain Network::send        %s messages/s (two hops each)\n", siNumber(p).c_str());
    std::printf("typed records (channel)    %s messages/s\n", siNumber(s).c_str());
    std::printf("ratio                      %.3fx  (%s the bar of 1.2x)\n", ratio,
                bar ? "within" : "beyond");
    return kExitOk;
}

}  // namespace dais::app
