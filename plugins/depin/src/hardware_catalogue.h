#pragma once
// The hardware a provider may sell, as the DePIN layer ships it: data-centre and consumer GPUs
// and CPUs with their peak FLOP/s, memory, power draw and an indicative price per hour, each
// figure with its source (hardware_catalogue.cpp). A provider names its class in its `hardware`
// attribute; the market equips its node with the class's processor at the run's sustained share
// of peak (`efficiency`).
#include <span>
#include <string_view>

namespace dais::layers::depin {

struct HardwareClass {
    std::string_view id;    // what a scenario writes: "h100-sxm"
    std::string_view name;  // what a person reads: "NVIDIA H100 SXM5 80 GB"
    bool gpu = true;        // false: a CPU
    bool dataCentre = true;
    double fp32Tflops = 0;         // peak, dense
    double fp16Tflops = 0;         // peak, dense (tensor cores where the part has them)
    double memoryGb = 0;           // on the device (GPU), or a typical server's (CPU)
    double powerW = 0;             // board power or TDP
    double usdPerHour = 0;         // indicative on-demand rent, for one device
    std::string_view source;       // where the speed, memory and power come from
    std::string_view priceSource;  // where the price comes from
};

/// Every class, in catalogue order.
std::span<const HardwareClass> hardwareCatalogue();
/// The class of that id, or nullptr.
const HardwareClass* findHardware(std::string_view id);

}  // namespace dais::layers::depin
