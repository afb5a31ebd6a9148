#!/usr/bin/env python
# Python bindings of cv::xai (in-tree builds only): a tiny net built in code, explained end to end.
import numpy as np
import cv2 as cv

from tests_common import NewOpenCVTests


class xai_test(NewOpenCVTests):

    def test_params_defaults(self):
        p = cv.xai.AugmentedScoreCAM_Params()
        self.assertEqual(p.fusion, cv.xai.FUSION_MEAN)
        self.assertEqual(p.augmentation.numAugmentations, 16)
        s = cv.xai.ScoreCAM_Params()
        self.assertEqual(s.batchSize, 16)
        self.assertEqual(s.weightMode, cv.xai.WEIGHT_PROBABILITY)

    def test_generate_and_unwarp(self):
        a = cv.xai.AugmentationParams()
        a.numAugmentations = 4
        a.seed = 3
        warps = cv.xai.generateWarps((32, 24), a)
        self.assertEqual(len(warps), 4)
        self.assertTrue(np.array_equal(warps[0], np.array([[1, 0, 0], [0, 1, 0]], np.float64)))
        m = np.random.rand(24, 32).astype(np.float32)
        back, validity = cv.xai.unwarpMap(m, warps[0])
        self.assertTrue(np.array_equal(back, m))
        self.assertTrue(np.all(validity == 1))

    def test_empty_net_is_an_error(self):
        with self.assertRaises(cv.error):
            cv.xai.ScoreCAM_create(cv.dnn.Net(), cv.xai.ScoreCAM_Params())


if __name__ == '__main__':
    NewOpenCVTests.bootstrap()
