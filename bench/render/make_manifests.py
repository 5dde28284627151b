#!/usr/bin/env python3
"""Writes the render benchmark manifests into a directory (argument 1).

six_scenes.json         6 scenes, 60 s, 0.5 s crossfades, text, a moving box, narration
six_scenes_edited.json  the same with scene 3's title changed (the incremental re-render)
linear_10.json, linear_60.json, linear_300.json
                        1, 6 and 30 such scenes: 10, 60 and 300 s (cost vs duration)
"""
import copy
import json
import os
import sys

PALETTE = [("#4E342E", "#A1887F"), ("#0D47A1", "#42A5F5"), ("#1B5E20", "#43A047"),
           ("#4A148C", "#AB47BC"), ("#BF360C", "#FF8A65"), ("#263238", "#78909C")]
BOXES = ["#FFB300", "#FF5252", "#FFEB3B", "#40C4FF", "#69F0AE", "#E040FB"]


def scene(i, duration, fade):
    bg_from, bg_to = PALETTE[i % len(PALETTE)]
    s = {
        "id": f"scene{i + 1}",
        "duration_s": duration,
        "background": {"type": "linear", "from": bg_from, "to": bg_to,
                       "direction": "to bottom" if i % 2 == 0 else "to right"},
        "layers": [
            {"type": "text", "role": "title", "text": f"Scene {i + 1}: fresh roast, every morning",
             "font": "DejaVu Sans Bold", "size_px": 84, "baseline_y": 560},
            {"type": "text", "role": "subtitle", "text": "Single-origin beans, roasted in small batches",
             "font": "DejaVu Sans", "size_px": 44, "baseline_y": 640},
            {"type": "rect", "box": {"x": 100, "y": 760, "w": 200, "h": 200},
             "color": BOXES[i % len(BOXES)],
             "animations": [{"property": "x", "from": 100, "to": 1620}]},
        ],
        "narration": {"text": f"This is scene {i + 1}. Our beans are roasted fresh every morning.",
                      "start_s": 0.3},
    }
    if i > 0:
        s["transition"] = {"type": "crossfade", "duration_s": fade}
    return s


def manifest(n, title):
    """n scenes of 10 s each on the timeline: 10.5 s scenes overlapping by 0.5 s."""
    fade = 0.5
    scenes = [scene(i, 10.0 + (fade if i < n - 1 else 0.0), fade) for i in range(n)]
    return {"manifest_version": 1, "title": title, "lang": "en",
            "canvas": {"width": 1920, "height": 1080, "fps": 30}, "scenes": scenes}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    os.makedirs(out, exist_ok=True)
    six = manifest(6, "render benchmark: 6 scenes, 60 s")
    edited = copy.deepcopy(six)
    edited["scenes"][2]["layers"][0]["text"] = "Scene 3: edited title, roasted today"
    files = {"six_scenes.json": six, "six_scenes_edited.json": edited}
    for seconds in (10, 60, 300):
        files[f"linear_{seconds}.json"] = manifest(seconds // 10, f"render benchmark: {seconds} s")
    for name, m in files.items():
        with open(os.path.join(out, name), "w") as f:
            json.dump(m, f, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()
