// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#include "report.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/opencv_modules.hpp>
#ifdef HAVE_OPENCV_PLOT
#include <opencv2/plot.hpp>
#endif

#include "../common/cli_document.hpp"
#include "../common/cli_files.hpp"
#include "common.hpp"

namespace fs = std::filesystem;

namespace xai_evaluate {
namespace {

struct MetricDef
{
    const char* column;
    const char* label;
    int better;  //!< +1: higher is better, -1: lower is better
};

const std::vector<MetricDef>& metricDefs()
{
    static const std::vector<MetricDef> defs = {
        {"drop", "Average Drop", -1},
        {"increase", "Increase in Confidence", +1},
        {"deletion_auc", "Deletion AUC", -1},
        {"insertion_auc", "Insertion AUC", +1},
        {"energy_box", "Energy in box", +1},
        {"energy_mask", "Energy in mask", +1},
        {"iou", "Box IoU", +1},
        {"energy_other_box", "Energy in other box", -1},
        {"energy_other_mask", "Energy in other mask", -1},
        {"stays_on_object", "Own mask > other mask", +1},
        {"dense_r", "Pearson r to the dense map", +1},
        {"dense_moved", "Energy moved from the dense map", -1},
        {"empty_map", "Empty maps", -1},
        {"forwards", "Forwards", -1},
        {"seconds", "Seconds", -1},
    };
    return defs;
}

//! Two-sided 97.5% quantile of Student's t with df degrees of freedom.
double tQuantile975(int df)
{
    static const double table[] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                                   2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
                                   2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
    if (df < 1)
        return std::nan("");
    if (df <= 30)
        return table[df - 1];
    // Cornish-Fisher expansion around the normal quantile: within 1e-3 from df = 30 on.
    const double z = 1.959963985, z3 = z * z * z, z5 = z3 * z * z;
    return z + (z3 + z) / (4.0 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96.0 * df * df);
}

std::vector<double> column(const Table& t, const std::vector<size_t>& rows, const std::string& name)
{
    const int c = t.col(name);
    std::vector<double> v;
    for (size_t r : rows)
        v.push_back(parseNumber(t.rows[r][c]));
    return v;
}

std::string fmt(double v, int digits = 3)
{
    if (std::isnan(v))
        return "-";
    std::ostringstream s;
    s.setf(std::ios::fixed);
    s.precision(digits);
    s << v;
    return s.str();
}

int digitsFor(const std::string& metric)
{
    return metric == "forwards" ? 1 : metric == "seconds" ? 3 : 3;
}

struct Paired
{
    Stat diff;
    std::string verdict;  //!< "better", "worse" or "unclear" for the compared method
};

Paired pairedDifference(const Table& t, const std::vector<size_t>& rowsA, const std::vector<size_t>& rowsRef,
                        const MetricDef& m)
{
    const int c = t.col(m.column), ii = t.col("image_index"), oi = t.col("object");
    std::map<std::pair<std::string, std::string>, double> ref;
    for (size_t r : rowsRef)
        ref[{t.rows[r][ii], t.rows[r][oi]}] = parseNumber(t.rows[r][c]);
    std::vector<double> d;
    for (size_t r : rowsA)
    {
        const auto it = ref.find({t.rows[r][ii], t.rows[r][oi]});
        const double a = parseNumber(t.rows[r][c]);
        if (it != ref.end() && !std::isnan(a) && !std::isnan(it->second))
            d.push_back(a - it->second);
    }
    Paired p;
    p.diff = statOf(d);
    if (p.diff.n < 2 || std::isnan(p.diff.ci95))
        p.verdict = p.diff.n > 0 && p.diff.mean == 0 && p.diff.sd == 0 ? "same" : "unclear";
    else if (p.diff.sd == 0 && p.diff.mean == 0)
        p.verdict = "same";
    else if (p.diff.mean - p.diff.ci95 > 0)
        p.verdict = m.better > 0 ? "better" : "worse";
    else if (p.diff.mean + p.diff.ci95 < 0)
        p.verdict = m.better < 0 ? "better" : "worse";
    else
        p.verdict = "unclear";
    return p;
}

bool anyValue(const Table& t, const std::string& name)
{
    const int c = t.col(name);
    for (const auto& r : t.rows)
        if (!std::isnan(parseNumber(r[c])))
            return true;
    return false;
}

} // namespace

Stat statOf(const std::vector<double>& values)
{
    Stat s;
    double sum = 0;
    for (double v : values)
        if (!std::isnan(v))
        {
            sum += v;
            s.n++;
        }
    if (s.n == 0)
    {
        s.mean = s.sd = s.ci95 = std::nan("");
        return s;
    }
    s.mean = sum / s.n;
    double ss = 0;
    for (double v : values)
        if (!std::isnan(v))
            ss += (v - s.mean) * (v - s.mean);
    s.sd = s.n > 1 ? std::sqrt(ss / (s.n - 1)) : std::nan("");
    s.ci95 = s.n > 1 ? tQuantile975(s.n - 1) * s.sd / std::sqrt((double)s.n) : std::nan("");
    return s;
}

void writeRunInfo(const std::string& path, const RunInfo& info)
{
    xai_samples::writeStorageFile(path, [&](xai_samples::DocumentWriter& fs) {
        fs << "settings" << "{";
        for (const auto& kv : info.settings)
            fs << kv.first << kv.second;
        fs << "}";
        fs << "methods" << "[";
        for (const std::string& m : info.methods)
            fs << m;
        fs << "]";
    });
}

RunInfo readRunInfo(const std::string& path)
{
    RunInfo info;
    std::error_code ec;
    if (!fs::exists(path, ec))
        return info;
    cv::FileStorage fs;
    try
    {
        fs.open(path, cv::FileStorage::READ);
    }
    catch (const cv::Exception& e)
    {
        throw UsageError("'" + path + "' is not a run description written by xai_evaluate: " + messageOf(e));
    }
    const cv::FileNode s = fs["settings"], m = fs["methods"];
    if (!fs.isOpened() || !s.isMap() || !m.isSeq())
        throw UsageError("'" + path + "' is not a run description written by xai_evaluate");
    for (const cv::FileNode& n : s)
        info.settings.push_back({n.name(), (std::string)n});
    for (const cv::FileNode& n : m)
        info.methods.push_back((std::string)n);
    return info;
}

void writeSummary(const std::string& dir, const std::string& format, const RunInfo& info, const Table& perImage,
                  const Table& randomization)
{
    // Rows of each method.
    std::map<std::string, std::vector<size_t>> rowsOf;
    const int mc = perImage.col("method"), ic = perImage.col("image_index");
    for (size_t r = 0; r < perImage.rows.size(); r++)
        rowsOf[perImage.rows[r][mc]].push_back(r);
    std::vector<MetricDef> metrics;
    for (const MetricDef& m : metricDefs())
        if (anyValue(perImage, m.column))
            metrics.push_back(m);
    const std::string ref = info.methods.empty() ? std::string() : info.methods[0];

    const std::string path = (fs::path(dir) / (format == "json" ? "summary.json" : "summary.yml")).string();
    xai_samples::DocumentWriter fsOut(format == "json" ? ".json" : ".yml");
    fsOut << "settings" << "{";
    for (const auto& kv : info.settings)
        fsOut << kv.first << kv.second;
    fsOut << "}";

    std::ostringstream md;
    std::string setting;
    for (const auto& kv : info.settings)
        setting += (setting.empty() ? "" : ", ") + kv.first + "=" + kv.second;
    md << "Settings: " << setting << "\n\n";
    md << "Mean ± 95% confidence half-width (Student t) over rows (one row per explained object); "
          "↑ higher is better, ↓ lower is better.\n\n";
    md << "| method | rows | images |";
    for (const MetricDef& m : metrics)
        md << " " << m.label << (m.better > 0 ? " ↑" : " ↓") << " |";
    md << "\n|---|---|---|";
    for (size_t i = 0; i < metrics.size(); i++)
        md << "---|";
    md << "\n";

    fsOut << "methods" << "[";
    for (const std::string& method : info.methods)
    {
        const std::vector<size_t>& rows = rowsOf[method];
        std::set<std::string> images;
        for (size_t r : rows)
            images.insert(perImage.rows[r][ic]);
        fsOut << "{" << "method" << method << "rows" << (int)rows.size() << "images" << (int)images.size();
        md << "| " << method << " | " << rows.size() << " | " << images.size() << " |";
        fsOut << "metrics" << "[";
        for (const MetricDef& m : metrics)
        {
            const Stat s = statOf(column(perImage, rows, m.column));
            md << " " << fmt(s.mean, digitsFor(m.column)) << " ± " << fmt(s.ci95, digitsFor(m.column)) << " |";
            if (s.n == 0)
                continue;
            fsOut << "{" << "name" << m.column << "n" << s.n << "mean" << s.mean;
            if (s.n > 1)
                fsOut << "sd" << s.sd << "ci95" << s.ci95;
            fsOut << "}";
        }
        fsOut << "]";
        if (method != ref && !ref.empty())
        {
            fsOut << "versus" << ref << "paired" << "[";
            for (const MetricDef& m : metrics)
            {
                const Paired p = pairedDifference(perImage, rows, rowsOf[ref], m);
                if (p.diff.n == 0)
                    continue;
                fsOut << "{" << "name" << m.column << "n" << p.diff.n << "mean_difference" << p.diff.mean;
                if (p.diff.n > 1)
                    fsOut << "ci95" << p.diff.ci95;
                fsOut << "verdict" << p.verdict << "}";
            }
            fsOut << "]";
        }
        fsOut << "}";
        md << "\n";
    }
    fsOut << "]";

    // Paired differences from the first method, and what they say.
    if (info.methods.size() > 1)
    {
        md << "\nPaired difference from " << ref << " (same image and object; method minus " << ref
           << ", mean ± 95% CI; **bold**: the interval excludes 0):\n\n| method |";
        for (const MetricDef& m : metrics)
            md << " " << m.label << " |";
        md << "\n|---|";
        for (size_t i = 0; i < metrics.size(); i++)
            md << "---|";
        md << "\n";
        std::ostringstream verdicts;
        for (size_t k = 1; k < info.methods.size(); k++)
        {
            const std::string& method = info.methods[k];
            md << "| " << method << " |";
            std::string better, worse, unclear, same;
            for (const MetricDef& m : metrics)
            {
                const Paired p = pairedDifference(perImage, rowsOf[method], rowsOf[ref], m);
                const bool sure = p.verdict == "better" || p.verdict == "worse";
                const int d = digitsFor(m.column);
                md << " " << (sure ? "**" : "") << (p.diff.mean > 0 ? "+" : "") << fmt(p.diff.mean, d) << " ± "
                   << fmt(p.diff.ci95, d) << (sure ? "**" : "") << " |";
                if (std::string(m.column) == "forwards" || std::string(m.column) == "seconds")
                    continue;  // cost: reported, not judged
                std::string& list = p.verdict == "better" ? better
                                    : p.verdict == "worse"  ? worse
                                    : p.verdict == "same"   ? same
                                                            : unclear;
                list += (list.empty() ? "" : ", ") + std::string(m.label);
            }
            md << "\n";
            verdicts << "- **" << method << "** vs " << ref << ": ";
            if (better.empty() && worse.empty() && unclear.empty())
                verdicts << "identical on every metric.\n";
            else
                verdicts << "better on " << (better.empty() ? "nothing" : better) << "; worse on "
                         << (worse.empty() ? "nothing" : worse) << "; no clear difference on "
                         << (unclear.empty() ? "nothing" : unclear)
                         << (same.empty() ? std::string() : "; identical on " + same) << ".\n";
        }
        md << "\n" << verdicts.str();
    }

    // Randomisation: per method and step, the mean correlation over images.
    if (!randomization.rows.empty())
    {
        fsOut << "randomization" << "[";
        md << "\nCascading model randomisation (Spearman correlation of the map with the trained net's map; "
              "step 0 repeats the trained net):\n\n| method | step | layer | type | images | correlation | "
              "blobs randomised / kept | note |\n|---|---|---|---|---|---|---|---|\n";
        const Table& t = randomization;
        const int tm = t.col("method"), ts = t.col("step"), tl = t.col("layer"), tt = t.col("type"),
                  tc = t.col("correlation"), trb = t.col("randomized_blobs"), tkb = t.col("kept_blobs"),
                  tn = t.col("note");
        for (const std::string& method : info.methods)
        {
            std::map<int, std::vector<size_t>> byStep;
            for (size_t r = 0; r < t.rows.size(); r++)
                if (t.rows[r][tm] == method)
                    byStep[(int)parseNumber(t.rows[r][ts])].push_back(r);
            if (byStep.empty())
                continue;
            fsOut << "{" << "method" << method << "steps" << "[";
            for (const auto& st : byStep)
            {
                const auto& first = t.rows[st.second[0]];
                std::vector<double> corr;
                for (size_t r : st.second)
                    corr.push_back(parseNumber(t.rows[r][tc]));
                const Stat s = statOf(corr);
                fsOut << "{" << "step" << st.first << "layer" << first[tl] << "type" << first[tt] << "images"
                      << (int)st.second.size() << "randomized_blobs" << (int)parseNumber(first[trb])
                      << "kept_blobs" << (int)parseNumber(first[tkb]);
                if (s.n > 0)
                    fsOut << "correlation" << s.mean;
                if (s.n > 1)
                    fsOut << "ci95" << s.ci95;
                fsOut << "note" << first[tn] << "}";
                md << "| " << method << " | " << st.first << " | " << (first[tl].empty() ? "(trained)" : first[tl])
                   << " | " << first[tt] << " | " << st.second.size() << " | " << fmt(s.mean) << " ± "
                   << fmt(s.ci95) << " | " << first[trb] << " / " << first[tkb] << " | " << first[tn] << " |\n";
            }
            fsOut << "]" << "}";
        }
        fsOut << "]";
    }
    xai_samples::writeFileAtomically(path, fsOut.text());
    xai_samples::writeFileAtomically((fs::path(dir) / "summary.md").string(), md.str());
}

// ---- curves ----

namespace {

const cv::Scalar kPalette[] = {cv::Scalar(180, 119, 31), cv::Scalar(14, 127, 255), cv::Scalar(44, 160, 44),
                               cv::Scalar(40, 39, 214), cv::Scalar(189, 103, 148), cv::Scalar(75, 86, 140),
                               cv::Scalar(194, 119, 227), cv::Scalar(127, 127, 127), cv::Scalar(34, 189, 188),
                               cv::Scalar(207, 190, 23)};

//! Several curves on [0, 1] x [0, 1], with axes, a grid and a legend, drawn with cv::line.
cv::Mat drawChart(const std::string& title, const std::vector<std::string>& names, const std::vector<cv::Mat>& curves)
{
    const cv::Size size(800, 480);
    const cv::Rect area(70, 40, 460, 380);
    cv::Mat img(size, CV_8UC3, cv::Scalar::all(255));
    const int font = cv::FONT_HERSHEY_SIMPLEX;
    for (int i = 0; i <= 10; i++)
    {
        const int x = area.x + area.width * i / 10, y = area.y + area.height * (10 - i) / 10;
        cv::line(img, {x, area.y}, {x, area.br().y}, cv::Scalar::all(225), 1);
        cv::line(img, {area.x, y}, {area.br().x, y}, cv::Scalar::all(225), 1);
        if (i % 2 == 0)
        {
            cv::putText(img, fmt(i / 10.0, 1), {x - 12, area.br().y + 18}, font, 0.4, cv::Scalar::all(0), 1, cv::LINE_AA);
            cv::putText(img, fmt(i / 10.0, 1), {area.x - 32, y + 4}, font, 0.4, cv::Scalar::all(0), 1, cv::LINE_AA);
        }
    }
    cv::rectangle(img, area, cv::Scalar::all(0), 1);
    cv::putText(img, title, {area.x, 25}, font, 0.6, cv::Scalar::all(0), 1, cv::LINE_AA);
    cv::putText(img, "fraction of pixels", {area.x + area.width / 2 - 70, size.height - 20}, font, 0.45,
                cv::Scalar::all(0), 1, cv::LINE_AA);
    cv::putText(img, "p(class)", {5, area.y - 10}, font, 0.45, cv::Scalar::all(0), 1, cv::LINE_AA);
    for (size_t k = 0; k < curves.size(); k++)
    {
        const cv::Scalar colour = kPalette[k % (sizeof(kPalette) / sizeof(kPalette[0]))];
        const cv::Mat& c = curves[k];
        const int n = (int)c.total() - 1;
        auto at = [&](int i) {
            const double v = std::min(1.0, std::max(0.0, c.at<double>(i)));
            return cv::Point(area.x + (int)std::lround(area.width * (double)i / n),
                             area.y + (int)std::lround(area.height * (1 - v)));
        };
        for (int i = 0; i < n; i++)
            cv::line(img, at(i), at(i + 1), colour, 2, cv::LINE_AA);
        const int ly = area.y + 10 + 22 * (int)k;
        cv::line(img, {area.br().x + 15, ly}, {area.br().x + 45, ly}, colour, 3, cv::LINE_AA);
        cv::putText(img, names[k], {area.br().x + 52, ly + 5}, font, 0.45, cv::Scalar::all(0), 1, cv::LINE_AA);
    }
    return img;
}

double aucOf(const cv::Mat& curve)
{
    const int n = (int)curve.total() - 1;
    double s = 0;
    for (int i = 0; i < n; i++)
        s += 0.5 * (curve.at<double>(i) + curve.at<double>(i + 1));
    return n > 0 ? s / n : 0.0;
}

cv::Mat drawSingle(const std::string& title, const cv::Mat& curve)
{
#ifdef HAVE_OPENCV_PLOT
    const int n = (int)curve.total();
    cv::Mat xs(1, n, CV_64F);
    for (int i = 0; i < n; i++)
        xs.at<double>(i) = n > 1 ? (double)i / (n - 1) : 0.0;
    cv::Ptr<cv::plot::Plot2d> plot = cv::plot::Plot2d::create(xs, curve.reshape(1, 1));
    plot->setMinX(0);
    plot->setMaxX(1);
    plot->setMinY(0);
    plot->setMaxY(1);
    plot->setPlotSize(480, 360);
    plot->setPlotBackgroundColor(cv::Scalar::all(255));
    plot->setPlotAxisColor(cv::Scalar::all(0));
    plot->setPlotGridColor(cv::Scalar::all(210));
    plot->setPlotTextColor(cv::Scalar::all(0));
    plot->setPlotLineColor(kPalette[0]);
    plot->setPlotLineWidth(2);
    plot->setShowText(false);
    plot->setInvertOrientation(true);  // y up
    cv::Mat img;
    plot->render(img);
    cv::putText(img, title, {10, 20}, cv::FONT_HERSHEY_SIMPLEX, 0.5, cv::Scalar::all(0), 1, cv::LINE_AA);
    return img;
#else
    return drawChart(title, {title}, {curve});
#endif
}

} // namespace

void drawCurves(const std::string& dir, const RunInfo& info, const Table& curves)
{
    const int mc = curves.col("method"), cc = curves.col("curve"), first = curves.col("p0");
    const int points = (int)curves.header.size() - first;
    const fs::path plots = fs::path(dir) / "plots";
    fs::create_directories(plots);
    for (const char* kind : {"deletion", "insertion"})
    {
        std::vector<std::string> names;
        std::vector<cv::Mat> means;
        for (const std::string& method : info.methods)
        {
            cv::Mat sum = cv::Mat::zeros(1, points, CV_64F);
            int n = 0;
            for (const auto& r : curves.rows)
            {
                if (r[mc] != method || r[cc] != kind)
                    continue;
                for (int i = 0; i < points; i++)
                    sum.at<double>(i) += parseNumber(r[first + i]);
                n++;
            }
            if (n == 0)
                continue;
            sum /= n;
            names.push_back(method + " (AUC " + fmt(aucOf(sum)) + ")");
            means.push_back(sum);
            const std::string title = method + ": mean " + kind + " curve, " + std::to_string(n) + " rows";
            xai_samples::writeImageFile((plots / (fileNameOf(method) + "_" + kind + ".png")).string(),
                                        drawSingle(title, sum));
        }
        if (means.empty())
            continue;
        const std::string title = std::string("Mean ") + kind + " curves";
        xai_samples::writeImageFile((fs::path(dir) / (std::string(kind) + ".png")).string(),
                                    drawChart(title, names, means));
    }
}

} // namespace xai_evaluate
