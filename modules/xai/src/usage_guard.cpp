// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#include "precomp.hpp"
#include "usage_guard.hpp"

#include <map>
#include <mutex>
#include <thread>

namespace cv {
namespace xai {

namespace {

//! A net in use: the thread that holds it, and how many guards of that thread do.
struct NetHolder
{
    std::thread::id thread;
    int depth;
};

//! What is in use now, by address.
struct Registry
{
    std::mutex mutex;
    std::map<const void*, std::thread::id> explainers;
    std::map<const void*, NetHolder> nets;
};

Registry& registry()
{
    static Registry* r = new Registry(); // never destroyed: guards may run during static destruction
    return *r;
}

//! The identity of a net's shared state: its input layer, the same object in every copy of the Net.
const void* netKey(const dnn::Net& net)
{
    return net.getLayer(0).get();
}

} // namespace

UsageGuard::UsageGuard(const void* explainer, const dnn::Net& net) : explainer_(NULL), net_(NULL)
{
    acquire(explainer, &net, "compute()");
}

UsageGuard::UsageGuard(const dnn::Net& net) : explainer_(NULL), net_(NULL)
{
    acquire(NULL, &net, NULL);
}

UsageGuard::UsageGuard(const void* explainer, const char* member) : explainer_(NULL), net_(NULL)
{
    acquire(explainer, NULL, member);
}

void UsageGuard::acquire(const void* explainer, const dnn::Net* net, const char* member)
{
    const void* key = net ? netKey(*net) : NULL;
    const std::thread::id self = std::this_thread::get_id();
    Registry& r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    std::map<const void*, std::thread::id>::const_iterator e = explainer ? r.explainers.find(explainer)
                                                                          : r.explainers.end();
    if (e != r.explainers.end())
    {
        if (e->second == self)
            CV_Error(Error::StsError, cv::format("xai: %s was called while the same explainer was computing (from "
                     "its progress callback?): an explainer does one thing at a time", member));
        CV_Error(Error::StsError, cv::format("xai: %s was called while this explainer is in use in another thread: "
                 "an explainer (and its cv::dnn::Net) is not thread-safe; create one explainer, with its own Net, per "
                 "thread", member));
    }
    std::map<const void*, NetHolder>::iterator n = key ? r.nets.find(key) : r.nets.end();
    if (n != r.nets.end() && n->second.thread != self)
        CV_Error(Error::StsError, "xai: the cv::dnn::Net is in use in another thread (by another explainer or a "
                 "metric sharing it; copies of a Net share one state): a Net is not thread-safe; read the "
                 "model once per thread (cv::dnn::readNet) and give each thread its own");
    if (explainer)
    {
        r.explainers[explainer] = self;
        explainer_ = explainer;
    }
    if (!key)
        return;
    if (n == r.nets.end())
    {
        const NetHolder h = { self, 1 };
        r.nets[key] = h;
    }
    else
        n->second.depth++;
    net_ = key;
}

UsageGuard::~UsageGuard()
{
    Registry& r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    if (explainer_)
        r.explainers.erase(explainer_);
    std::map<const void*, NetHolder>::iterator n = net_ ? r.nets.find(net_) : r.nets.end();
    if (n != r.nets.end() && --n->second.depth == 0)
        r.nets.erase(n);
}

}} // namespace cv::xai
