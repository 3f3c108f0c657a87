from rewardkit.cli.main import run

run()
