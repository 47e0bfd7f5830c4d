#include "ecd/chgcar.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <filesystem>

#include "core/compressed_input.h"
#include "core/error.h"
#include "crystal/elements.h"

namespace cw {
namespace {

// Reads the text line by line, tracking line numbers for messages.
class LineReader {
public:
    LineReader(std::string_view text, const std::string& source) : m_text(text), m_source(source) {}

    bool atEnd() const { return m_pos >= m_text.size(); }
    int lineNumber() const { return m_line; }
    std::size_t position() const { return m_pos; }
    void seek(std::size_t pos, int line) { m_pos = pos, m_line = line; }

    std::string_view next(const char* what) {
        if (atEnd()) throw error("unexpected end of file: expected " + std::string(what));
        const std::size_t end = m_text.find('\n', m_pos);
        std::string_view line = m_text.substr(
            m_pos, end == std::string_view::npos ? std::string_view::npos : end - m_pos);
        m_pos = end == std::string_view::npos ? m_text.size() : end + 1;
        ++m_line;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        return line;
    }

    FormatError error(const std::string& reason) const {
        return FormatError(m_source, "line " + std::to_string(m_line), reason);
    }

private:
    std::string_view m_text;
    std::string m_source;
    std::size_t m_pos = 0;
    int m_line = 0;
};

std::vector<std::string> tokens(std::string_view line) {
    std::vector<std::string> out;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
        std::size_t j = i;
        while (j < line.size() && !std::isspace(static_cast<unsigned char>(line[j]))) ++j;
        if (j > i) out.emplace_back(line.substr(i, j - i));
        i = j;
    }
    return out;
}

bool parseDouble(const std::string& s, double& out) {
    char* end = nullptr;
    out = std::strtod(s.c_str(), &end);
    return end != s.c_str() && *end == '\0' && std::isfinite(out);
}

bool parseInt(const std::string& s, long& out) {
    char* end = nullptr;
    out = std::strtol(s.c_str(), &end, 10);
    return end != s.c_str() && *end == '\0';
}

std::vector<double> numbers(LineReader& in, std::string_view line, std::size_t minimum,
                            const char* what) {
    std::vector<double> out;
    for (const std::string& t : tokens(line)) {
        double v;
        if (!parseDouble(t, v)) break;
        out.push_back(v);
    }
    if (out.size() < minimum)
        throw in.error("expected " + std::string(what) + ", found '" + std::string(line) + "'");
    return out;
}

// "72 72 72" exactly (three positive integers and nothing else).
bool isDimsLine(std::string_view line, std::array<int, 3>* dims) {
    const std::vector<std::string> t = tokens(line);
    if (t.size() != 3) return false;
    for (int i = 0; i < 3; ++i) {
        long v;
        if (!parseInt(t[i], v) || v <= 0 || v > 100000) return false;
        if (dims) (*dims)[i] = static_cast<int>(v);
    }
    return true;
}

// Nx·Ny·Nz values from the current position; values run across lines, so parse the raw text
// (std::from_chars: no locale, no terminator needed).
VolumetricGrid readGrid(LineReader& in, std::string_view text, const std::array<int, 3>& dims) {
    VolumetricGrid g;
    g.dims = dims;
    const std::size_t count = static_cast<std::size_t>(dims[0]) * dims[1] * dims[2];
    g.values.resize(count);
    const char* const start = text.data() + in.position();
    const char* const end = text.data() + text.size();
    const char* p = start;
    int lines = 0;
    for (std::size_t i = 0; i < count; ++i) {
        while (p < end && std::isspace(static_cast<unsigned char>(*p))) lines += *p++ == '\n';
        if (p < end && *p == '+') ++p;
        const std::from_chars_result r = std::from_chars(p, end, g.values[i]);
        if (r.ec != std::errc()) {
            in.seek(in.position(), in.lineNumber() + lines + 1);
            throw in.error("grid block " + std::to_string(dims[0]) + "×" + std::to_string(dims[1]) +
                           "×" + std::to_string(dims[2]) + " ends after " + std::to_string(i) +
                           " of " + std::to_string(count) + " values");
        }
        p = r.ptr;
    }
    // Finish the current line.
    while (p < end && *p != '\n') ++p;
    if (p < end) ++p, ++lines;
    in.seek(in.position() + static_cast<std::size_t>(p - start), in.lineNumber() + lines);
    return g;
}

}  // namespace

double VolumetricGrid::at(long i, long j, long k) const {
    const long nx = dims[0], ny = dims[1], nz = dims[2];
    i = ((i % nx) + nx) % nx;
    j = ((j % ny) + ny) % ny;
    k = ((k % nz) + nz) % nz;
    return values[static_cast<std::size_t>(i + nx * (j + ny * k))];
}

double VolumetricGrid::interpolate(const Eigen::Vector3d& frac) const {
    long base[3];
    double t[3];
    for (int a = 0; a < 3; ++a) {
        const double x = frac[a] * dims[a];
        const double f = std::floor(x);
        base[a] = static_cast<long>(f);
        t[a] = x - f;
    }
    double sum = 0;
    for (int c = 0; c < 8; ++c) {
        const int dx = c & 1, dy = c >> 1 & 1, dz = c >> 2 & 1;
        const double w = (dx ? t[0] : 1 - t[0]) * (dy ? t[1] : 1 - t[1]) * (dz ? t[2] : 1 - t[2]);
        if (w != 0) sum += w * at(base[0] + dx, base[1] + dy, base[2] + dz);
    }
    return sum;
}

double VolumetricGrid::mean() const {
    if (values.empty()) return 0;
    double s = 0;
    for (double v : values) s += v;
    return s / static_cast<double>(values.size());
}

ChgcarData parseChgcar(std::string_view text, const std::string& sourceName) {
    LineReader in(text, sourceName);
    const std::string comment(in.next("the comment line"));
    const std::vector<double> scale = numbers(in, in.next("the scale factor"), 1, "a scale factor");
    Eigen::Matrix3d rows;
    for (int i = 0; i < 3; ++i) {
        const std::vector<double> v =
            numbers(in, in.next("a lattice vector"), 3, "three lattice vector components");
        rows.row(i) << v[0], v[1], v[2];
    }
    if (scale.size() >= 3) {
        for (int c = 0; c < 3; ++c) rows.col(c) *= scale[c];
    } else if (scale[0] < 0) {
        rows *= std::cbrt(-scale[0] / std::abs(rows.determinant()));  // negative: target volume
    } else {
        rows *= scale[0];
    }
    // VASP 5 has a species line; VASP 4 goes straight to the counts (species then come from
    // the comment line, the only place left).
    std::vector<std::string> symbols = tokens(in.next("species or counts"));
    std::vector<std::string> countTokens;
    long probe;
    if (!symbols.empty() && parseInt(symbols[0], probe)) {
        countTokens = symbols;
        symbols = tokens(comment);
    } else {
        countTokens = tokens(in.next("the species counts"));
    }
    std::vector<int> counts;
    for (const std::string& t : countTokens) {
        long v;
        if (!parseInt(t, v)) break;
        if (v < 0) throw in.error("negative species count " + t);
        counts.push_back(static_cast<int>(v));
    }
    if (counts.empty()) throw in.error("no species counts");
    if (symbols.size() < counts.size()) {
        throw in.error("the file names " + std::to_string(symbols.size()) + " species for " +
                       std::to_string(counts.size()) +
                       " counts (a VASP 4 file needs the species in the comment line)");
    }
    std::vector<int> zs;
    for (std::size_t i = 0; i < counts.size(); ++i) {
        // POTCAR-style names: "Fe_pv", "O_s", "Fe/..."; keep the element part.
        std::string symbol = symbols[i];
        const std::size_t cut = symbol.find_first_of("_/.");
        if (cut != std::string::npos) symbol = symbol.substr(0, cut);
        const std::optional<int> z = findAtomicNumber(symbol);
        if (!z) throw in.error("unknown species '" + symbols[i] + "'");
        zs.push_back(*z);
    }
    std::string mode(in.next("the coordinate mode"));
    std::size_t firstChar = mode.find_first_not_of(" \t");
    if (firstChar != std::string::npos && (mode[firstChar] == 'S' || mode[firstChar] == 's')) {
        mode = std::string(in.next("the coordinate mode"));  // selective dynamics
        firstChar = mode.find_first_not_of(" \t");
    }
    if (firstChar == std::string::npos) throw in.error("empty coordinate mode line");
    const char m = static_cast<char>(std::tolower(static_cast<unsigned char>(mode[firstChar])));
    const bool cartesian = m == 'c' || m == 'k';
    const Lattice lattice(rows);
    Structure structure(lattice, {});
    for (std::size_t species = 0; species < counts.size(); ++species) {
        for (int i = 0; i < counts[species]; ++i) {
            const std::vector<double> v =
                numbers(in, in.next("an atom position"), 3, "three coordinates");
            Eigen::Vector3d p(v[0], v[1], v[2]);
            if (cartesian) p = lattice.toFractional(scale.size() >= 3 ? p : p * std::abs(scale[0]));
            structure.addSite({zs[species], p, element(zs[species]).symbol, 1.0});
        }
    }
    structure.setId(std::filesystem::path(sourceName).filename().string());

    ChgcarData data;
    std::array<int, 3> dims{};
    std::string_view line;
    do {
        line = in.next("the grid dimensions");
    } while (tokens(line).empty());
    if (!isDimsLine(line, &dims))
        throw in.error("expected the grid dimensions 'Nx Ny Nz', found '" + std::string(line) +
                       "'");
    data.total = readGrid(in, text, dims);
    // The second block starts at the next line that repeats the dimensions exactly; augmentation
    // occupancies and per-atom moments in between are skipped.
    while (!in.atEnd()) {
        line = in.next("");
        std::array<int, 3> again{};
        if (isDimsLine(line, &again) && again == dims) {
            data.magnetization = readGrid(in, text, dims);
            break;
        }
    }
    data.structure = std::move(structure);
    return data;
}

ChgcarData readChgcar(const std::string& path) {
    const std::string text = readDecompressed(path);
    return parseChgcar(text, path);
}

SliceResult sliceChgcar(const ChgcarData& data, const PickTriple& picks,
                        const SliceParameters& parameters, const RealSliceOptions& options) {
    const VolumetricGrid* grid = &data.total;
    if (options.block == ChgcarBlock::Magnetization) {
        if (!data.magnetization) {
            throw ValueError("the volumetric file " + data.structure.id() +
                             " holds no magnetisation block (not spin-polarised)");
        }
        grid = &*data.magnetization;
    }
    if (grid->values.empty())
        throw ValueError("the volumetric file " + data.structure.id() + " holds no grid");
    SliceParameters real = parameters;
    real.volumePerAtom.reset();
    const Slicer slicer(data.structure, real);
    SliceResult result = slicer.findAtoms(picks);

    const Lattice& lattice = data.structure.lattice();
    const double scale = options.divideByVolume ? 1.0 / lattice.volume() : 1.0;
    const PlaneFrame& f = result.metadata.frame;
    const Eigen::Vector3d fc = lattice.toFractional(f.centre);
    const Eigen::Vector3d fe1 = lattice.toFractional(f.e1), fe2 = lattice.toFractional(f.e2);
    const int n = real.size;
    const double half = real.window / 2, pitch = real.pitch();
    Image image(n, n);
    for (int r = 0; r < n; ++r) {
        const double y = half - (r + 0.5) * pitch;
        for (int k = 0; k < n; ++k) {
            const double x = -half + (k + 0.5) * pitch;
            image(r, k) = static_cast<float>(grid->interpolate(fc + x * fe1 + y * fe2) * scale);
        }
    }
    result.image = std::move(image);
    return result;
}

}  // namespace cw
