"""The baseline for bench_server.py: a bare Flask route served the same way as diary."""

from flask import Flask, jsonify

app = Flask(__name__)


@app.post("/bare")
def bare():
    return jsonify({"ok": True}), 201
