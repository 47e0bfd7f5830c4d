// cwb convert IN OUT: between the structure formats, chosen by extension.
#include <iostream>

#include "commands/command.h"
#include "core/error.h"
#include "io/structure_stream.h"

namespace cw::cli {
namespace {

struct ConvertOptions {
    std::string input;
    std::string output;
    std::string id;
};

int runConvert(const ConvertOptions& options) {
    ProblemLog problems;
    std::vector<Structure> structures;
    if (!options.id.empty()) structures.push_back(readStructure(options.input, options.id));
    else structures = readStructures(options.input, &problems);
    for (const Problem& p : problems.problems()) {
        std::cerr << "cwb: skipped " << p.where << ": " << p.reason << '\n';
    }
    if (structures.empty()) throw FormatError(options.input, "", "no structure could be read");
    writeStructures(options.output, structures);
    std::cerr << "cwb: wrote " << structures.size() << " structure(s) to " << options.output << '\n';
    return problems.empty() ? kExitOk : kExitBadInput;
}

}  // namespace

void registerConvertCommand(CLI::App& app) {
    auto options = std::make_shared<ConvertOptions>();
    CLI::App* cmd = app.add_subcommand("convert", "Convert between CIF, POSCAR, JSON and XYZ by extension");
    cmd->add_option("input", options->input, "Input file or folder")->required();
    cmd->add_option("output", options->output,
                    "Output: .cif, POSCAR/.vasp, .json, .xyz/.extxyz")->required();
    cmd->add_option("--id", options->id, "Convert only the entry with this id");
    setAction(cmd, [options] { return runConvert(*options); });
}

}  // namespace cw::cli
