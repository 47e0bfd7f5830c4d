#include "commands/crystal_summary.h"

#include <cstdio>

#include "crystal_eval/crystal_report_files.h"

namespace cw::cli {
namespace {

std::string percent(std::size_t count, std::size_t of) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%6.2f %%", of ? 100.0 * double(count) / double(of) : 0.0);
    return buffer;
}

}  // namespace

void printCrystalReportSummary(const CrystalReport& r, const std::string& dataset) {
    std::printf("generated %zu, reference %zu, training %zu\n", r.generated, r.reference, r.training);
    std::printf("structural validity     %s  (%zu)\n", percent(r.structurallyValid, r.generated).c_str(),
                r.structurallyValid);
    std::printf("compositional validity  %s  (%zu)\n",
                percent(r.compositionallyValid, r.generated).c_str(), r.compositionallyValid);
    std::printf("valid (both + fingerprints) %s  (%zu)\n", percent(r.valid, r.generated).c_str(), r.valid);
    std::printf("unique                  %s  (%zu)\n", percent(r.unique, r.generated).c_str(), r.unique);
    if (r.novel) {
        std::printf("novel                   %s  (%zu)\n", percent(*r.novel, r.generated).c_str(), *r.novel);
    }
    if (r.coverage) {
        std::printf("COV-R                   %6.2f %%\nCOV-P                   %6.2f %%\n",
                    100 * r.coverage->recall, 100 * r.coverage->precision);
    }
    if (r.properties) {
        std::printf("W1(density)             %.4f g/cm³  (%zu valid drawn)\n", r.properties->densityW1,
                    r.properties->drawn);
        std::printf("W1(number of elements)  %.4f\n", r.properties->elementCountW1);
    }
    if (!r.propertiesNote.empty()) std::printf("note: %s\n", r.propertiesNote.c_str());
    const auto rows = publishedRows(dataset);
    if (!rows.empty()) {
        std::printf("\npublished (%s; %%):  model  struct  comp  COV-R  COV-P  W(ρ)  W(N_el)\n",
                    dataset.c_str());
        for (const PublishedRow& row : rows) {
            std::printf("  %-16s %7.2f %7.2f %7.2f %7.2f %8.4g %8.4g\n", row.model.c_str(),
                        row.structural, row.compositional, row.coverageRecall,
                        row.coveragePrecision, row.densityW1, row.elementsW1);
        }
    }
}

}  // namespace cw::cli
