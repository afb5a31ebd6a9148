#!/usr/bin/env python
# Python bindings of cv::xai (in-tree builds): parameters, warps, a net built in code, errors.
import os

import numpy as np
import cv2 as cv

from tests_common import NewOpenCVTests


class xai_test(NewOpenCVTests):

    def test_params_defaults(self):
        p = cv.xai.AugmentedScoreCAM.Params()
        self.assertEqual(p.fusion, cv.xai.FUSION_INTERLEAVE)
        self.assertEqual(p.viewWeights, cv.xai.VIEW_WEIGHTS_SHARED)
        self.assertEqual(p.augmentation.numAugmentations, 64)
        self.assertEqual(p.augmentation.latticeSize, 8)
        s = cv.xai.ScoreCAM.Params()
        self.assertEqual(s.upsampling, cv.xai.UPSAMPLE_LAYER_GEOMETRY)
        self.assertEqual(s.batchSize, 16)
        self.assertEqual(s.weightMode, cv.xai.WEIGHT_PROBABILITY)
        s.batchSize = 4
        p.scoreCam = s
        self.assertEqual(p.scoreCam.batchSize, 4)

    def test_layer_geometry(self):
        g = cv.xai.resizeGeometry((224, 224), (13, 13))
        self.assertAlmostEqual(g.stride[0], 224 / 13)
        self.assertFalse(g.fromLayers)
        low = np.arange(6, dtype=np.float32).reshape(2, 3)
        up = cv.xai.upsampleToFrame(low, g, (12, 8))
        self.assertEqual(up.shape, (8, 12))
        self.assertTrue(np.allclose(up, cv.resize(low, (12, 8), interpolation=cv.INTER_LINEAR)))

    def test_generate_and_unwarp(self):
        a = cv.xai.AugmentationParams()
        a.numAugmentations = 4
        a.seed = 3
        warps = cv.xai.generateWarps((32, 24), a)
        self.assertEqual(len(warps), 4)
        self.assertTrue(np.array_equal(warps[0], np.array([[1, 0, 0], [0, 1, 0]], np.float64)))
        self.assertFalse(np.array_equal(warps[1], warps[0]))
        m = np.random.rand(24, 32).astype(np.float32)
        back, validity = cv.xai.unwarpMap(m, warps[0])
        self.assertTrue(np.array_equal(back, m))
        self.assertTrue(np.all(validity == 1))

    def test_explain_onnx_model(self):
        # The same data as the C++ tests: cv::xai's samples/data, or xai/ under opencv_extra's testdata.
        dirs = [os.environ.get('OPENCV_XAI_DATA_PATH'),
                self.extraTestDataPath and os.path.join(self.extraTestDataPath, 'xai')]
        model = self.find_file('shapes_resnet.onnx', [d for d in dirs if d], required=False)
        if not model:
            self.skipTest('set OPENCV_XAI_DATA_PATH to cv::xai samples/data')
        net = cv.dnn.readNet(model)
        s = cv.xai.ScoreCAM.Params()
        s.inputSize = (128, 128)
        s.scale = 1.0 / 127.5
        s.mean = (127.5, 127.5, 127.5)
        cam = cv.xai.ScoreCAM_create(net, s)
        image = np.full((100, 140, 3), 90, np.uint8)
        cv.circle(image, (60, 50), 20, (30, 200, 250), -1)
        saliency = cam.compute(image, -1)
        self.assertEqual(saliency.shape, (100, 140))
        self.assertEqual(saliency.dtype, np.float32)
        self.assertAlmostEqual(float(saliency.max()), 1.0, places=6)
        maps = cam.computeMulti(image, [0, 1])
        self.assertEqual(len(maps), 2)
        self.assertGreater(cam.getForwardCount(), 1)

    def test_super_resolution_fusion(self):
        sr = cv.xai.SuperResolutionParams()
        self.assertEqual(sr.downsampling, cv.xai.DOWNSAMPLE_AREA)
        self.assertGreater(sr.maxIterations, 0)
        fusion = cv.xai.MapFusion_create(cv.xai.FUSION_SUPER_RESOLUTION, sr)
        fusion.reset((32, 32))
        low = np.zeros((4, 4), np.float32)
        low[1, 2] = 1
        identity = np.array([[1, 0, 0], [0, 1, 0]], np.float64)
        fusion.add(None, None, low, identity)
        fused = fusion.fuse()
        self.assertEqual(fused.shape, (32, 32))
        y, x = np.unravel_index(int(np.argmax(fused)), fused.shape)
        self.assertEqual((y // 8, x // 8), (1, 2))
        report = fusion.getReport()
        self.assertEqual(report.views, 1)
        self.assertTrue(report.converged)
        self.assertGreater(len(report.objective), 1)
        sr.lambdaTV = -1
        with self.assertRaises(cv.error):
            cv.xai.MapFusion_create(cv.xai.FUSION_SUPER_RESOLUTION, sr)

    def test_empty_net_is_an_error(self):
        with self.assertRaises(cv.error):
            cv.xai.ScoreCAM_create(cv.dnn.Net(), cv.xai.ScoreCAM.Params())


if __name__ == '__main__':
    NewOpenCVTests.bootstrap()
