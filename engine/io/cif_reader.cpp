// CIF reading. gemmi parses the text; turning a block into a Structure is done here because
// gemmi's SmallStructure expands the asymmetric unit from the H-M symbol only (it ignores
// symmetry-operation loops and Hall symbols) and keeps no line numbers for error messages.
#include <gemmi/cif.hpp>
#include <gemmi/numb.hpp>
#include <gemmi/symmetry.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <numbers>
#include <optional>
#include <string_view>

#include "core/atomic_file.h"
#include "core/error.h"
#include "crystal/close_pairs.h"
#include "crystal/elements.h"
#include "io/cif_text.h"
#include "io/cif.h"
#include "symmetry/unit_cell_expansion.h"

namespace cw {
namespace {

namespace gcif = gemmi::cif;
using namespace cif_text;

/// Occupancies may exceed 1 (alone or summed over a shared position) by this much, the rounding
/// of values such as 0.333 + 0.667.
constexpr double kOccupancyTolerance = 2e-3;

/// Reads one data block into a structure; every error names the source, block and line.
class BlockReader {
public:
    BlockReader(const std::string& source, std::string_view text, gcif::Block& block,
                double mergeToleranceA)
        : m_source(source), m_text(text), m_block(block), m_mergeToleranceA(mergeToleranceA) {}

    /// nullopt when the block holds no atom sites.
    std::optional<CifStructure> read() {
        const std::string prefix = atomSitePrefix();
        if (prefix.empty()) return std::nullopt;
        checkDuplicateTags();
        CifStructure result;
        result.info = readInfo();
        result.structure.setId(m_block.name);
        const Lattice lattice = readLattice();
        result.structure.setLattice(lattice);
        std::vector<AsymmetricSite> asymmetric = readAtomSites(prefix);
        if (asymmetric.empty()) return std::nullopt;
        const std::vector<gemmi::Op> ops = readOperations(result.info, lattice);
        result.info.symmetryOperationCount = static_cast<int>(ops.size());
        std::vector<double> tolerances;
        result.structure.sites() = expand(asymmetric, ops, lattice, result.info, &tolerances);
        checkOccupancies(result, lattice, tolerances);
        return result;
    }

private:
    [[noreturn]] void fail(int line, const std::string& reason) const {
        const std::string block = "data_" + m_block.name;
        throw FormatError(m_source,
                          line > 0 ? "line " + std::to_string(line) + " (" + block + ")" : block,
                          reason);
    }

    std::string atomSitePrefix() {
        for (const char* prefix : {"_atom_site_", "_atom_site."}) {
            if (findTag(m_block, {std::string(prefix) + "fract_x"})) return prefix;
        }
        if (const Found cartesian =
                findTag(m_block, {"_atom_site_Cartn_x", "_atom_site.Cartn_x"})) {
            fail(cartesian.line(),
                 "atom sites are given in Cartesian coordinates only (" + cartesian.tag +
                     "); fractional coordinates (_atom_site_fract_x, _y, _z) are required");
        }
        return {};
    }

    // gemmi's own check would reject the whole file; here only this block fails, and only
    // when the repeated tag is one the structure is built from. A repeated bibliographic or
    // formula tag (AMCSD files write _chemical_formula_sum twice) is a warning.
    void checkDuplicateTags() {
        std::vector<std::pair<std::string, int>> seen;
        auto check = [&](const std::string& tag, int line) {
            const std::string lower = gemmi::to_lower(tag);
            for (const auto& [other, otherLine] : seen) {
                if (other != lower) continue;
                const std::string where = "duplicate tag " + tag + " (first at line " +
                                          std::to_string(otherLine) + ")";
                if (buildsTheStructure(lower)) fail(line, where);
                m_warnings.push_back(where + " at line " + std::to_string(line) +
                                     ": not used to build the structure, ignored");
                return;
            }
            seen.emplace_back(lower, line);
        };
        for (const gcif::Item& item : m_block.items) {
            if (item.type == gcif::ItemType::Pair) {
                if (item.pair[1].empty()) fail(item.line_number, item.pair[0] + " has no value");
                check(item.pair[0], item.line_number);
            } else if (item.type == gcif::ItemType::Loop) {
                for (const std::string& tag : item.loop.tags) check(tag, item.line_number);
            }
        }
    }

    static bool buildsTheStructure(const std::string& lowerTag) {
        for (const char* prefix : {"_cell", "_atom_site", "_symmetry", "_space_group",
                                   "_parent_space_group"}) {
            if (lowerTag.rfind(prefix, 0) == 0) return true;
        }
        return false;
    }

    CifBlockInfo readInfo() const {
        CifBlockInfo info;
        info.warnings = m_warnings;
        info.blockName = m_block.name;
        info.declaredHermannMauguin = firstValue(findTag(m_block, kHermannMauguinTags));
        info.declaredHall = firstValue(findTag(m_block, kHallTags));
        info.declaredSpaceGroupNumber = integerOr(firstValue(findTag(m_block, kNumberTags)), 0);
        info.declaredMagneticBns = firstValue(findTag(m_block, kBnsTags));
        info.declaredParentSpaceGroupNumber =
            integerOr(firstValue(findTag(m_block, kParentNumberTags)), 0);
        return info;
    }

    /// A number with an optional uncertainty, "5.64(2)". nullopt for '?' and '.'.
    std::optional<double> number(const std::string& raw, const std::string& what,
                                 const std::function<int()>& line) const {
        if (gcif::is_null(raw)) return std::nullopt;
        const std::string text = gcif::as_string(raw);
        const double value = gcif::as_number(text);
        if (std::isnan(value)) {
            const std::string lower = gemmi::to_lower(text);
            if (lower.find("nan") != std::string::npos || lower.find("inf") != std::string::npos) {
                fail(line(), what + " is not a finite number: '" + text + "'");
            }
            fail(line(), what + " is not a number: '" + text + "'");
        }
        if (!std::isfinite(value)) fail(line(), what + " is not a finite number: '" + text + "'");
        return value;
    }

    Lattice readLattice() const {
        static const char* names[6] = {"length_a",    "length_b",   "length_c",
                                       "angle_alpha", "angle_beta", "angle_gamma"};
        double values[6];
        int firstLine = 0;
        for (int i = 0; i < 6; ++i) {
            const Found found = findTag(
                m_block, {std::string("_cell_") + names[i], std::string("_cell.") + names[i]});
            const std::string tag = std::string("_cell_") + names[i];
            if (!found) {
                fail(0, "missing cell parameter " + tag +
                            " (the cell needs a, b, c in Å and α, β, γ in degrees)");
            }
            if (firstLine == 0) firstLine = found.line();
            const std::vector<std::string> raw = found.rawValues();
            const auto value =
                raw.empty() ? std::nullopt : number(raw.front(), tag, [&] { return found.line(); });
            if (!value) fail(found.line(), "cell parameter " + tag + " has no value ('?')");
            values[i] = *value;
        }
        for (int i = 0; i < 3; ++i) {
            if (!(values[i] > 0)) {
                fail(firstLine, std::string("cell length _cell_") + names[i] +
                                    " must be positive, got " + shortNumber(values[i]) + " Å");
            }
        }
        // The volume factor is 1 - Σcos² + 2Πcos; zero or negative means the three angles
        // cannot close a cell (Lattice::fromParameters would clamp and build another cell).
        const double ca = std::cos(values[3] * std::numbers::pi / 180),
                     cb = std::cos(values[4] * std::numbers::pi / 180),
                     cg = std::cos(values[5] * std::numbers::pi / 180);
        const double factor = 1 - ca * ca - cb * cb - cg * cg + 2 * ca * cb * cg;
        if (!(factor > 1e-10) || values[3] <= 0 || values[4] <= 0 || values[5] <= 0 ||
            values[3] >= 180 || values[4] >= 180 || values[5] >= 180) {
            fail(firstLine,
                 "cell angles α = " + shortNumber(values[3]) + "°, β = " + shortNumber(values[4]) +
                     "°, γ = " + shortNumber(values[5]) + "° give a zero or negative cell volume");
        }
        try {
            return Lattice::fromParameters(
                {values[0], values[1], values[2], values[3], values[4], values[5]});
        } catch (const ValueError& e) {
            fail(firstLine, std::string("invalid cell: ") + e.what());
        }
    }

    /// Line of row `row` of a table. gemmi keeps only the line of loop_, so the row is found
    /// in the text by its first value (counting earlier rows with the same value); the loop's
    /// line is the fallback when rows do not start lines.
    int rowLine(gcif::Table& table, int row) const {
        if (!table.loop_item) return table.bloc.items.at(table.positions.at(0)).line_number;
        const gcif::Loop& loop = table.loop_item->loop;
        const int loopLine = table.loop_item->line_number;
        const std::string& first = loop.val(row, 0);
        int wanted = 0;
        for (int r = 0; r < row; ++r) wanted += loop.val(r, 0) == first;
        int lineNumber = 1;
        std::size_t start = 0;
        while (start <= m_text.size()) {
            const std::size_t end = std::min(m_text.find('\n', start), m_text.size());
            if (lineNumber > loopLine) {
                const std::string_view line = m_text.substr(start, end - start);
                const auto b = line.find_first_not_of(" \t");
                if (b != std::string_view::npos) {
                    const auto e = line.find_first_of(" \t\r", b);
                    if (line.substr(b, e == std::string_view::npos ? e : e - b) == first &&
                        wanted-- == 0) {
                        return lineNumber;
                    }
                }
            }
            start = end + 1;
            ++lineNumber;
        }
        return loopLine;
    }

    int elementOf(const std::string& typeSymbol, const std::string& label,
                  const std::function<int()>& line) const {
        if (!typeSymbol.empty()) {
            if (auto z = findAtomicNumber(typeSymbol)) return *z;
            if (auto z = specialSymbol(typeSymbol)) return *z;
            if (auto z = atomicNumberFromLabel(typeSymbol)) return *z;
            if (auto z = hydrogenIsotope(typeSymbol)) return *z;
            fail(line(), "atom site '" + label + "': unknown element '" + typeSymbol +
                             "' (_atom_site_type_symbol)");
        }
        if (auto z = specialSymbol(label)) return *z;
        if (auto z = atomicNumberFromLabel(label)) return *z;
        if (auto z = hydrogenIsotope(label)) return *z;
        fail(line(), "atom site '" + label +
                         "': unknown element (no _atom_site_type_symbol, and the label does not "
                         "start with an element symbol)");
    }

    std::vector<AsymmetricSite> readAtomSites(const std::string& prefix) {
        enum { kX, kY, kZ, kLabel, kType, kOccupancy };
        gcif::Table table = m_block.find(
            prefix, {"fract_x", "fract_y", "fract_z", "?label", "?type_symbol", "?occupancy"});
        if (!table.ok()) {
            const Found x = findTag(m_block, {prefix + "fract_x"});
            fail(x.line(), "the atom sites need " + prefix + "fract_x, " + prefix + "fract_y and " +
                               prefix + "fract_z in one loop");
        }
        std::vector<AsymmetricSite> sites;
        const int rows = static_cast<int>(table.length());
        for (int r = 0; r < rows; ++r) {
            gcif::Table::Row row = table[r];
            std::string label = row.has2(kLabel) ? gcif::as_string(row[kLabel]) : std::string();
            const std::string type = row.has2(kType) ? gcif::as_string(row[kType]) : std::string();
            if (label.empty()) label = type;
            const std::string name = label.empty() ? "row " + std::to_string(r + 1) : label;
            auto where = [&] { return rowLine(table, r); };
            AsymmetricSite entry;
            Site& site = entry.site;
            site.label = label;
            site.z = elementOf(type, name, where);
            for (int axis = 0; axis < 3; ++axis) {
                const std::string tag = prefix + "fract_" + char('x' + axis);
                const std::string& raw = row[axis];
                // ICSD writes an inapplicable '.' for coordinates that are zero by symmetry
                // ("F1 F1- 3 d .5 . ."); pymatgen reads it as 0 too.
                const auto value = raw == "."
                                       ? std::optional<double>(0.0)
                                       : number(raw, "atom site '" + name + "': " + tag, where);
                if (!value) {
                    fail(where(),
                         "atom site '" + name + "' has no coordinate " + tag + " ('" + raw + "')");
                }
                const std::string text = gcif::as_string(raw);
                site.frac[axis] = snapShortDecimal(text, *value);
                // A value snapped to a twelfth is exact; others are as precise as written.
                entry.precision[axis] = site.frac[axis] == *value ? writtenPrecision(text) : 0.0;
            }
            if (row.has2(kOccupancy)) {
                const auto occupancy =
                    number(row[kOccupancy], "atom site '" + name + "': occupancy", where);
                site.occupancy = *occupancy;
            }
            if (site.occupancy < 0 || site.occupancy > 1 + kOccupancyTolerance) {
                fail(where(), "atom site '" + name + "': occupancy " + shortNumber(site.occupancy) +
                                  " is outside 0…1");
            }
            site.occupancy = std::min(site.occupancy, 1.0);
            // A zero occupancy is a placeholder (a vacancy in a refinement): no atom there.
            if (site.occupancy == 0) continue;
            sites.push_back(std::move(entry));
        }
        return sites;
    }

    gemmi::Op parseOperation(const std::string& raw, const Found& found, int repeats) const {
        const std::string text = gcif::as_string(raw);
        auto line = [&] {
            return found.item->type == gcif::ItemType::Loop
                       ? lineOfValue(found.line(), raw, repeats)
                       : found.line();
        };
        const auto converted = decimalsToFractions(spatialPart(text));
        if (!converted) {
            fail(line(), "unparsable symmetry operation '" + text + "' (" + found.tag +
                             "): a translation is not a multiple of 1/24");
        }
        gemmi::Op op;
        try {
            op = gemmi::parse_triplet(*converted);
        } catch (const std::exception& e) {
            fail(line(),
                 "unparsable symmetry operation '" + text + "' (" + found.tag + "): " + e.what());
        }
        constexpr int kDen3 = gemmi::Op::DEN * gemmi::Op::DEN * gemmi::Op::DEN;
        bool integral = true;
        for (const auto& rotationRow : op.rot) {
            for (int value : rotationRow) integral = integral && value % gemmi::Op::DEN == 0;
        }
        if (!integral || std::abs(op.det_rot()) != kDen3) {
            fail(line(), "symmetry operation '" + text + "' (" + found.tag +
                             ") is not a crystallographic operation (determinant ≠ ±1)");
        }
        return op.wrap();
    }

    std::vector<gemmi::Op> operationsFromLoop(const Found& found) const {
        std::vector<gemmi::Op> ops;
        const std::vector<std::string> values = found.rawValues();
        for (std::size_t i = 0; i < values.size(); ++i) {
            if (gcif::is_null(values[i])) continue;
            const int repeats =
                static_cast<int>(std::count(values.begin(), values.begin() + i, values[i]));
            ops.push_back(parseOperation(values[i], found, repeats));
        }
        return ops;
    }

    /// Line of the (skip+1)-th whitespace-delimited occurrence of `raw` after line `after`;
    /// `after` itself when there is none. Error paths only: it scans the text.
    int lineOfValue(int after, const std::string& raw, int skip) const {
        int lineNumber = 1;
        std::size_t start = 0;
        auto delimiter = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
        while (start < m_text.size()) {
            const std::size_t end = std::min(m_text.find('\n', start), m_text.size());
            if (lineNumber > after) {
                const std::string_view line = m_text.substr(start, end - start);
                for (std::size_t at = line.find(raw); at != std::string_view::npos;
                     at = line.find(raw, at + 1)) {
                    const std::size_t stop = at + raw.size();
                    if ((at == 0 || delimiter(line[at - 1])) &&
                        (stop == line.size() || delimiter(line[stop])) && skip-- == 0) {
                        return lineNumber;
                    }
                }
            }
            start = end + 1;
            ++lineNumber;
        }
        return after;
    }

    /// Operations of the group the block names: its Hall symbol, else its H-M symbol, else its
    /// IT number (reference setting). nullopt when it names none. With `strict`, a name that
    /// cannot be interpreted fails; otherwise it counts as absent.
    std::optional<std::vector<gemmi::Op>> namedGroup(CifBlockInfo& info, const Lattice& lattice,
                                                     bool strict, std::string* source) const {
        std::vector<gemmi::Op> ops;
        if (!info.declaredHall.empty()) {
            try {
                for (gemmi::Op op : gemmi::symops_from_hall(info.declaredHall.c_str())) {
                    ops.push_back(op);
                }
                *source = "Hall symbol";
                return ops;
            } catch (const std::exception& e) {
                if (strict) {
                    fail(findTag(m_block, kHallTags).line(),
                         "unparsable Hall symbol '" + info.declaredHall + "': " + e.what());
                }
                return std::nullopt;
            }
        }
        const bool numberValid =
            info.declaredSpaceGroupNumber >= 1 && info.declaredSpaceGroupNumber <= 230;
        if (!info.declaredHermannMauguin.empty()) {
            const LatticeParameters p = lattice.parameters();
            const gemmi::SpaceGroup* sg = gemmi::find_spacegroup_by_name(
                normaliseHermannMauguin(info.declaredHermannMauguin), p.alpha, p.gamma);
            *source = "H-M symbol";
            if (!sg && numberValid) {
                sg = &gemmi::get_spacegroup_reference_setting(info.declaredSpaceGroupNumber);
                *source = "IT number (unknown H-M symbol '" + info.declaredHermannMauguin + "')";
            }
            if (!sg) {
                if (!strict) return std::nullopt;
                fail(findTag(m_block, kHermannMauguinTags).line(),
                     "unknown space-group symbol '" + info.declaredHermannMauguin +
                         "' and no symmetry operations or Hall symbol to expand the asymmetric "
                         "unit with");
            }
            for (gemmi::Op op : sg->operations()) ops.push_back(op);
            return ops;
        }
        if (info.declaredSpaceGroupNumber != 0) {
            if (!numberValid) {
                if (!strict) return std::nullopt;
                fail(findTag(m_block, kNumberTags).line(),
                     "space-group number " + std::to_string(info.declaredSpaceGroupNumber) +
                         " is outside 1…230");
            }
            const gemmi::SpaceGroup& sg =
                gemmi::get_spacegroup_reference_setting(info.declaredSpaceGroupNumber);
            for (gemmi::Op op : sg.operations()) ops.push_back(op);
            *source = "IT number";
            return ops;
        }
        return std::nullopt;
    }

    static bool contains(const std::vector<gemmi::Op>& group, gemmi::Op op) {
        op.wrap();
        return std::any_of(group.begin(), group.end(), [&](gemmi::Op g) { return g.wrap() == op; });
    }

    /// Symmetry operations in order of preference: the block's own operation loop, its Hall
    /// symbol, its H-M symbol, its IT number; none of them means P1.
    std::vector<gemmi::Op> readOperations(CifBlockInfo& info, const Lattice& lattice) const {
        if (const Found ssg = findTag(m_block, kSuperspaceTags)) {
            fail(ssg.line(),
                 "incommensurate (modulated) structure: its superspace-group "
                 "description (" +
                     ssg.tag + ") has no periodic unit cell to read");
        }
        std::vector<gemmi::Op> ops;
        if (const Found loop = findTag(m_block, kSymopTags)) {
            ops = operationsFromLoop(loop);
            info.symmetrySource = "operations (" + loop.tag + ")";
            // Some converters drop the centring part of each operation and leave every
            // operation twice (COD 7008984: C 1 2/c 1, Z = 8, listed as P 1 2/c 1 twice over).
            // Repeats plus a named group that holds all listed operations and more mean the
            // loop is damaged, and the named group is the one the atoms need.
            std::vector<gemmi::Op> distinct;
            for (gemmi::Op op : ops) {
                if (!contains(distinct, op)) distinct.push_back(op.wrap());
            }
            std::string namedSource;
            if (distinct.size() < ops.size()) {
                if (auto named = namedGroup(info, lattice, false, &namedSource)) {
                    const bool superset =
                        named->size() > distinct.size() &&
                        std::all_of(distinct.begin(), distinct.end(),
                                    [&](const gemmi::Op& op) { return contains(*named, op); });
                    if (superset) {
                        info.warnings.push_back(
                            loop.tag + " (line " + std::to_string(loop.line()) + ") lists " +
                            std::to_string(ops.size()) + " operations but only " +
                            std::to_string(distinct.size()) + " distinct ones, all in the " +
                            std::to_string(named->size()) + "-operation group of the " +
                            namedSource + "; the atoms were expanded with the " + namedSource);
                        ops = *named;
                        info.symmetrySource = namedSource + " (operation loop damaged)";
                    }
                }
            }
        } else if (const Found magnetic = findTag(m_block, kMagneticSymopTags)) {
            // A magnetic group's operations times its centring translations; time reversal
            // does not move atoms, so the atom positions follow the spatial parts alone.
            const std::vector<gemmi::Op> base = operationsFromLoop(magnetic);
            std::vector<gemmi::Op> centerings{gemmi::Op::identity()};
            if (const Found centering = findTag(m_block, kMagneticCenteringTags)) {
                centerings = operationsFromLoop(centering);
            }
            for (const gemmi::Op& c : centerings) {
                for (const gemmi::Op& op : base) ops.push_back(c * op);
            }
            info.symmetrySource = "magnetic operations (" + magnetic.tag + ")";
        } else if (auto named = namedGroup(info, lattice, true, &info.symmetrySource)) {
            ops = std::move(*named);
        } else {
            info.symmetrySource = "none (P 1)";
        }
        // The asymmetric unit itself is always part of the structure, whether or not the
        // block lists x,y,z; repeated operations (magnetic ones that differ only in time
        // reversal) count once.
        ops.insert(ops.begin(), gemmi::Op::identity());
        std::vector<gemmi::Op> unique;
        for (gemmi::Op& op : ops) {
            op.wrap();
            if (std::find(unique.begin(), unique.end(), op) == unique.end()) unique.push_back(op);
        }
        if (const gemmi::SpaceGroup* sg =
                gemmi::find_spacegroup_by_ops(gemmi::split_centering_vectors(unique))) {
            info.symmetrySpaceGroupNumber = sg->number;
        }
        return unique;
    }

    /// The unit cell's sites: symmetry images merged and sites on special positions moved onto
    /// them at the precision the file wrote (unit_cell_expansion.h); `tolerances` receives
    /// each kept site's merge tolerance (Å).
    std::vector<Site> expand(const std::vector<AsymmetricSite>& asymmetric,
                             const std::vector<gemmi::Op>& ops, const Lattice& lattice,
                             CifBlockInfo& info, std::vector<double>* tolerances) const {
        std::vector<SymmetryOperation> operations;
        for (const gemmi::Op& op : ops) {
            SymmetryOperation converted;
            for (int i = 0; i < 3; ++i) {
                // Integer rotations and exact /24 translations keep x,y,z bit-exact.
                converted.translation[i] = double(op.tran[i]) / gemmi::Op::DEN;
                for (int j = 0; j < 3; ++j) converted.rotation(i, j) = op.rot[i][j] / gemmi::Op::DEN;
            }
            operations.push_back(converted);
        }
        ExpansionTolerances limits;
        limits.floorA = m_mergeToleranceA;
        UnitCellExpansion cell = expandAsymmetricUnit(asymmetric, operations, lattice, limits);
        info.sitesMovedToSpecialPositions = cell.sitesMovedToSpecialPositions;
        info.largestSpecialPositionShiftA = cell.largestShiftA;
        std::vector<Site>& all = cell.sites;
        const std::vector<double>& tolerance = cell.mergeToleranceA;
        const double widest = all.empty() ? m_mergeToleranceA
                                          : *std::max_element(tolerance.begin(), tolerance.end());
        // Two listed sites of one element on one position whose occupancies would exceed 1
        // together are the same atom written twice (P1 exports that repeat boundary atoms).
        const PeriodicNearTest near(lattice);
        std::vector<bool> duplicate(all.size(), false);
        for (const auto& [i, j] : closeSitePairs(all, near, widest)) {
            if (!duplicate[i] && !duplicate[j] && all[i].z == all[j].z &&
                all[i].occupancy + all[j].occupancy > 1 + kOccupancyTolerance &&
                near(all[i].frac, all[j].frac, std::max(tolerance[i], tolerance[j]))) {
                duplicate[j] = true;
            }
        }
        std::vector<Site> kept;
        for (std::size_t i = 0; i < all.size(); ++i) {
            if (duplicate[i]) continue;
            kept.push_back(std::move(all[i]));
            tolerances->push_back(tolerance[i]);
        }
        return kept;
    }

    /// Sets the disordered flag and rejects positions holding more than one atom in total.
    /// Sites closer than the larger of their two merge tolerances share a position.
    void checkOccupancies(CifStructure& result, const Lattice& lattice,
                          const std::vector<double>& tolerances) const {
        const std::vector<Site>& sites = result.structure.sites();
        const PeriodicNearTest near(lattice);
        double widest = std::max(m_mergeToleranceA, 1e-3);
        for (double t : tolerances) widest = std::max(widest, t);
        std::vector<std::vector<std::size_t>> sharing(sites.size());
        for (const auto& [i, j] : closeSitePairs(sites, near, widest)) {
            const double pair = std::max({m_mergeToleranceA, 1e-3, tolerances[i], tolerances[j]});
            if (near(sites[i].frac, sites[j].frac, pair)) sharing[i].push_back(j);
        }
        std::vector<bool> grouped(sites.size(), false);
        for (std::size_t i = 0; i < sites.size(); ++i) {
            if (sites[i].occupancy < 1 - 1e-9) result.info.disordered = true;
            if (grouped[i]) continue;
            double total = sites[i].occupancy;
            std::string labels = sites[i].label;
            for (std::size_t j : sharing[i]) {
                if (grouped[j]) continue;
                grouped[j] = true;
                total += sites[j].occupancy;
                labels += ", " + sites[j].label;
                result.info.disordered = true;
            }
            if (total > 1 + kOccupancyTolerance) {
                const Eigen::Vector3d& f = sites[i].frac;
                const Found x = findTag(m_block, {"_atom_site_fract_x", "_atom_site.fract_x"});
                fail(x.line(), "occupancies on the position (" + shortNumber(f[0]) + ", " +
                                   shortNumber(f[1]) + ", " + shortNumber(f[2]) + ") add up to " +
                                   shortNumber(total) + " > 1 (sites " + labels + ")");
            }
        }
    }

    const std::string& m_source;
    std::string_view m_text;
    gcif::Block& m_block;
    double m_mergeToleranceA;
    std::vector<std::string> m_warnings;  ///< found before the block info exists
};

gcif::Document parseDocument(const std::string& text, const std::string& sourceName) {
    gcif::Document doc;
    doc.source = sourceName;
    tao::pegtl::memory_input<> in(text.data(), text.size(), sourceName);
    gcif::parse_input(doc, in);
    return doc;
}

}  // namespace

std::vector<CifStructure> parseCifBlocks(const std::string& text, const std::string& sourceName,
                                         ProblemLog* problems, double mergeToleranceA) {
    if (!(mergeToleranceA >= 0)) {
        throw ValueError("CIF merge tolerance must be ≥ 0 Å, got " +
                         std::to_string(mergeToleranceA));
    }
    gcif::Document doc;
    std::string parsedText = text;
    bool blanked = false;
    try {
        try {
            doc = parseDocument(parsedText, sourceName);
        } catch (const tao::pegtl::parse_error&) {
            // CIF 1.1 is ASCII; files from some databases carry Latin-1 or UTF-8 in unquoted
            // bibliographic values ("385–386"). Blanking those bytes (one for one, so line
            // numbers hold) keeps a journal page range from making a structure unreadable.
            if (std::none_of(text.begin(), text.end(), [](char c) { return c & 0x80; })) throw;
            for (char& c : parsedText) {
                if (c & 0x80) c = '?';
            }
            doc = parseDocument(parsedText, sourceName);
            blanked = true;
        }
    } catch (const tao::pegtl::parse_error& e) {
        const auto& positions = e.positions();
        std::string reason(e.message());
        // gemmi reports an incomplete loop at its loop_ line; both hints point at a file cut short.
        const bool atEnd = !positions.empty() && positions.front().byte >= text.size();
        if (reason.find("Wrong number of values") != std::string::npos) {
            const auto lines =
                std::count(text.begin(), text.end(), '\n') + (!text.empty() && text.back() != '\n');
            reason += ": a value is missing, or the file is truncated (it ends at line " +
                      std::to_string(lines) + ")";
        } else if (atEnd) {
            reason = truncationReason(text, reason);
        }
        throw FormatError(sourceName,
                          positions.empty() ? "" : "line " + std::to_string(positions.front().line),
                          "CIF syntax error: " + reason);
    } catch (const std::exception& e) {
        throw FormatError(sourceName, "", std::string("CIF syntax error: ") + e.what());
    }

    std::vector<CifStructure> structures;
    std::vector<FormatError> failures;
    for (gcif::Block& block : doc.blocks) {
        try {
            BlockReader reader(sourceName, parsedText, block, mergeToleranceA);
            if (auto structure = reader.read()) {
                if (blanked) {
                    structure->info.warnings.push_back(
                        "the file is not ASCII as CIF 1.1 requires: its non-ASCII bytes were "
                        "read as '?'");
                }
                structures.push_back(std::move(*structure));
            }
        } catch (const FormatError& e) {
            failures.push_back(e);
        }
    }
    // A lone structure block that fails is the caller's error; among good blocks it is one
    // bad entry of a collection, reported and skipped.
    if (!failures.empty() && structures.empty()) throw failures.front();
    for (const FormatError& e : failures) {
        if (problems) problems->add(e.path() + ":" + e.location(), e.reason());
    }
    if (structures.empty() && failures.empty()) {
        const auto lines = std::count(text.begin(), text.end(), '\n') + (!text.empty() && text.back() != '\n');
        const std::string cut = !text.empty() && text.back() != '\n'
                                    ? " The file ends at line " + std::to_string(lines) +
                                          " in mid-line: is it truncated?"
                                    : "";
        if (doc.blocks.empty())
            throw FormatError(sourceName, "",
                              "no data block: the file has no data_ line (only comments or blank lines), so it "
                              "is truncated or not a CIF." + cut);
        throw FormatError(sourceName, "",
                          "no data block holds atom sites (_atom_site_fract_x, _y, _z)." + cut);
    }
    return structures;
}

std::vector<CifStructure> readCifBlocks(const std::string& path, ProblemLog* problems,
                                        double mergeToleranceA) {
    return parseCifBlocks(readFileToString(path), path, problems, mergeToleranceA);
}

}  // namespace cw
