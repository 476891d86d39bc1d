// The catalogue's figures. Speeds are the vendors' peak dense figures (no sparsity); a CPU's
// peak is cores x base clock x FLOPs per cycle of its vector units, as the notes say. Prices are
// indicative on-demand rents on the date given: markets move, so a scenario sets a provider's own
// `price` where it matters.
#include "hardware_catalogue.h"

#include <array>

namespace dais::layers::depin {

namespace {

constexpr std::array<HardwareClass, 9> kCatalogue = {{
    {"h100-sxm", "NVIDIA H100 SXM5 80 GB", true, true, 67.0, 989.0, 80, 700, 12.29,
     "NVIDIA H100 Tensor Core GPU datasheet (2023): FP32 67 TFLOPS, FP16 Tensor 1,979 TFLOPS "
     "with sparsity (989 dense), 80 GB HBM3, up to 700 W",
     "AWS EC2 on-demand, p5.48xlarge (8 x H100) 98.32 USD/h, us-east-1, 2023"},
    {"a100-sxm", "NVIDIA A100 SXM4 80 GB", true, true, 19.5, 312.0, 80, 400, 5.12,
     "NVIDIA A100 Tensor Core GPU datasheet (2021): FP32 19.5 TFLOPS, FP16 Tensor 312 TFLOPS "
     "dense, 80 GB HBM2e, 400 W",
     "AWS EC2 on-demand, p4de.24xlarge (8 x A100 80 GB) 40.97 USD/h, us-east-1, 2023"},
    {"l4", "NVIDIA L4 24 GB", true, true, 30.3, 121.0, 24, 72, 0.80,
     "NVIDIA L4 Tensor Core GPU datasheet (2023): FP32 30.3 TFLOPS, FP16 Tensor 242 TFLOPS with "
     "sparsity (121 dense), 24 GB GDDR6, 72 W",
     "AWS EC2 on-demand, g6.xlarge (1 x L4) 0.805 USD/h, us-east-1, 2024"},
    {"t4", "NVIDIA T4 16 GB", true, true, 8.1, 65.0, 16, 70, 0.53,
     "NVIDIA T4 Tensor Core GPU datasheet (2019): FP32 8.1 TFLOPS, mixed precision (FP16/FP32) "
     "65 TFLOPS, 16 GB GDDR6, 70 W",
     "AWS EC2 on-demand, g4dn.xlarge (1 x T4) 0.526 USD/h, us-east-1, 2023"},
    {"rtx-4090", "NVIDIA GeForce RTX 4090", true, false, 82.6, 165.2, 24, 450, 0.40,
     "NVIDIA Ada GPU architecture whitepaper (2022): FP32 82.6 TFLOPS, FP16 Tensor with FP32 "
     "accumulate 165.2 TFLOPS dense, 24 GB GDDR6X, 450 W total graphics power",
     "community GPU marketplaces, typical on-demand listing, 2024 (approximate)"},
    {"rtx-3090", "NVIDIA GeForce RTX 3090", true, false, 35.6, 71.0, 24, 350, 0.22,
     "NVIDIA Ampere GA102 GPU architecture whitepaper (2020): FP32 35.6 TFLOPS, FP16 Tensor with "
     "FP32 accumulate 71 TFLOPS dense, 24 GB GDDR6X, 350 W total graphics power",
     "community GPU marketplaces, typical on-demand listing, 2024 (approximate)"},
    {"rx-7900-xtx", "AMD Radeon RX 7900 XTX", true, false, 61.4, 122.8, 24, 355, 0.30,
     "AMD product specifications, Radeon RX 7900 XTX: peak single precision 61.4 TFLOPS, half "
     "precision 122.8 TFLOPS, 24 GB GDDR6, 355 W typical board power",
     "community GPU marketplaces, typical on-demand listing, 2024 (approximate)"},
    {"epyc-9654", "AMD EPYC 9654 (96 cores)", false, true, 7.37, 7.37, 384, 360, 4.93,
     "AMD product specifications, EPYC 9654: 96 cores, 2.4 GHz base, 360 W default TDP; Zen 4 "
     "issues two 256-bit FMAs a cycle (AMD Software Optimization Guide for the Zen 4 "
     "microarchitecture, 2023): 32 FP32 FLOPs a cycle a core, 96 x 2.4 GHz x 32 = 7.37 "
     "TFLOPS; no faster half precision assumed; 384 GB: twelve channels of 32 GB DIMMs",
     "AWS EC2 on-demand, c7a.48xlarge (192 vCPUs: 96 Zen 4 cores per socket, two sockets) "
     "9.853 USD/h, us-east-1, 2023, halved for one socket"},
    {"ryzen-9-7950x", "AMD Ryzen 9 7950X (16 cores)", false, false, 2.30, 2.30, 64, 170, 0.13,
     "AMD product specifications, Ryzen 9 7950X: 16 cores, 4.5 GHz base, 170 W TDP; Zen 4: 32 "
     "FP32 FLOPs a cycle a core (as above), 16 x 4.5 GHz x 32 = 2.30 TFLOPS; 64 GB: a typical "
     "desktop",
     "dedicated-server list prices for this CPU, about 95 USD a month, 2024 (approximate)"},
}};

}  // namespace

std::span<const HardwareClass> hardwareCatalogue() {
    return kCatalogue;
}

const HardwareClass* findHardware(std::string_view id) {
    for (const HardwareClass& c : kCatalogue)
        if (c.id == id) return &c;
    return nullptr;
}

}  // namespace dais::layers::depin
