#!/usr/bin/env python3
# How smallcnn's widths, dropout and epoch count were chosen: one Fashion-MNIST recipe in
# PyTorch, with Kestrel's defaults (one-cycle SGD, Nesterov, wd 5e-4 on weights only, label
# smoothing 0.1, +-2 px shifts and mirror images, 10% held out), varied by a JSON config.
# Prints one JSON line: test accuracy after the last epoch, per-epoch (val, test), flip-TTA.
# Run many configs side by side on a GPU (the arithmetic is the CPU's, only faster):
#   bench/smallcnn_recipes.py /usr/share/datasets/fashion-mnist/ name \
#       '{"widths":[24,48,128],"dropout":0.1,"epochs":13,"seed":0}'
# Other keys: x2 (two convs at full resolution), pooled, bs, lr, wd, ls, shift, erase,
# erase_max, erase_fill ("noise"), cyclemom (PyTorch's momentum cycling), noholdout.
import gzip, sys, math, time, json, torch, torch.nn as nn, numpy as np
D = sys.argv[1]
name = sys.argv[2]; cfg = json.loads(sys.argv[3])
dev = 'cuda' if torch.cuda.is_available() else 'cpu'
torch.manual_seed(cfg.get('seed', 0))
def imgs(f):
    with gzip.open(D + f) as g: return torch.from_numpy(np.frombuffer(g.read(), np.uint8, offset=16).copy()).view(-1, 1, 28, 28)
def labs(f):
    with gzip.open(D + f) as g: return torch.from_numpy(np.frombuffer(g.read(), np.uint8, offset=8).copy()).long()
xtr, ytr = imgs('train-images-idx3-ubyte.gz').to(dev), labs('train-labels-idx1-ubyte.gz').to(dev)
xte, yte = imgs('t10k-images-idx3-ubyte.gz').to(dev), labs('t10k-labels-idx1-ubyte.gz').to(dev)
g = torch.Generator().manual_seed(123)
perm = torch.randperm(60000, generator=g).to(dev)
val_idx, tr_idx = perm[:6000], perm[6000:]
xva, yva = xtr[val_idx], ytr[val_idx]
if not cfg.get('noholdout'): xtr, ytr = xtr[tr_idx], ytr[tr_idx]
N = len(xtr)
widths = cfg['widths']; double_first = cfg.get('x2', False); pooled = cfg.get('pooled', 3)
def block(i, o): return [nn.Conv2d(i, o, 3, padding=1, bias=False), nn.BatchNorm2d(o), nn.ReLU(inplace=True)]
layers = []; c = 1
for k, w in enumerate(widths):
    layers += block(c, w) + (block(w, w) if (k > 0 or double_first) else []) + [nn.MaxPool2d(2)]; c = w
m = nn.Sequential(*layers, nn.AdaptiveAvgPool2d(pooled), nn.Flatten(), nn.Dropout(cfg.get('dropout', 0.3)), nn.Linear(c * pooled * pooled, 10)).to(dev)
for mod in m.modules():
    if isinstance(mod, nn.Conv2d): nn.init.kaiming_normal_(mod.weight, mode='fan_out', nonlinearity='relu')
decay = [p for p in m.parameters() if p.dim() > 1]; nodecay = [p for p in m.parameters() if p.dim() <= 1]
bs = cfg.get('bs', 128); lr = cfg.get('lr', 0.1); epochs = cfg['epochs']
opt = torch.optim.SGD([{'params': decay, 'weight_decay': cfg.get('wd', 5e-4)}, {'params': nodecay, 'weight_decay': 0}], lr=lr, momentum=0.9, nesterov=True)
steps = epochs * (N // bs)
sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=steps, cycle_momentum=cfg.get('cyclemom', True))
mean, std = 0.5, 0.25
def prep(x): return (x.float() / 255 - mean) / std
def augment(x):
    n = x.shape[0]; x = x.float()
    s = cfg.get('shift', 2)
    if s:
        pad = nn.functional.pad(x, (s, s, s, s))
        dx = torch.randint(0, 2 * s + 1, (n,), device=dev); dy = torch.randint(0, 2 * s + 1, (n,), device=dev)
        ar = torch.arange(28, device=dev)
        rows = (dy[:, None] + ar[None, :])  # n,28
        cols = (dx[:, None] + ar[None, :])
        x = pad[:, 0]  # n,H,W
        x = x[torch.arange(n, device=dev)[:, None, None], rows[:, :, None], cols[:, None, :]][:, None]
    flip = torch.rand(n, device=dev) < 0.5
    x = torch.where(flip[:, None, None, None], x.flip(3), x)
    pe = cfg.get('erase', 0)
    if pe:
        area = torch.empty(n, device=dev).uniform_(0.02, cfg.get('erase_max', 0.25)) * 784
        logr = torch.empty(n, device=dev).uniform_(math.log(0.3), math.log(3.3))
        h = (area * logr.exp()).sqrt().round().clamp(1, 28); w = (area / logr.exp()).sqrt().round().clamp(1, 28)
        y0 = (torch.rand(n, device=dev) * (29 - h)).floor(); x0 = (torch.rand(n, device=dev) * (29 - w)).floor()
        ar = torch.arange(28, device=dev).float()
        inr = (ar[None, :] >= y0[:, None]) & (ar[None, :] < (y0 + h)[:, None])
        inc = (ar[None, :] >= x0[:, None]) & (ar[None, :] < (x0 + w)[:, None])
        mask = inr[:, :, None] & inc[:, None, :] & (torch.rand(n, device=dev) < pe)[:, None, None]
        fill = torch.randint(0, 256, x.shape, device=dev).float() if cfg.get('erase_fill') == 'noise' else torch.full_like(x, 127.5)
        x = torch.where(mask[:, None], fill, x)
    return x
ls = cfg.get('ls', 0.1)
def accuracy(x, y, tta=False):
    m.eval(); correct = 0
    with torch.no_grad():
        for i in range(0, len(x), 1000):
            xb = prep(x[i:i + 1000]); p = m(xb).softmax(1)
            if tta: p = p + m(xb.flip(3)).softmax(1)
            correct += (p.argmax(1) == y[i:i + 1000]).sum().item()
    return 100 * correct / len(x)
best = (-1, 0, 0); t0 = time.time(); hist = []
for ep in range(epochs):
    m.train(); p = torch.randperm(N, device=dev)
    for i in range(0, N - bs + 1, bs):
        idx = p[i:i + bs]
        loss = nn.functional.cross_entropy(m((augment(xtr[idx]) / 255 - mean) / std), ytr[idx], label_smoothing=ls)
        opt.zero_grad(set_to_none=True); loss.backward(); opt.step(); sched.step()
    va = accuracy(xva, yva); te = accuracy(xte, yte)
    hist.append((round(va, 2), round(te, 2)))
    if va > best[0]: best = (va, te, ep)
print(json.dumps({'name': name, 'final_test': hist[-1][1], 'best_val_test': round(best[1], 2), 'best_epoch': best[2], 'tta_test': round(accuracy(xte, yte, True), 2), 'secs': round(time.time() - t0), 'hist': hist, 'cfg': cfg}), flush=True)
